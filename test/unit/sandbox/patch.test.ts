import { describe, expect, test } from 'vitest';
import { jsonPatch, mergePatch, strategicMerge } from '../../../electron/engine/sandbox/kube/patch.js';
import { fieldSelectorPredicate, labelSelectorPredicate } from '../../../electron/engine/sandbox/kube/selectors.js';
import type { KubeObject } from '../../../electron/engine/sandbox/kube/types.js';

const deployment = {
  spec: {
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'web:1', env: [{ name: 'A', value: '1' }] },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
};

describe('patches', () => {
  test('strategic merge updates a container by name, as kubectl set image sends it', () => {
    const patch = { spec: { template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'web', image: 'web:2' }] } } } };
    const out = strategicMerge(deployment, patch) as typeof deployment;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'web:2', env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ]);
  });

  test('strategic merge honours $patch: delete and null', () => {
    const out = strategicMerge(deployment, { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => c.name)).toEqual(['web']);
    expect(strategicMerge({ a: 1, b: 2 }, { a: null })).toEqual({ b: 2 });
  });

  test('merge patch replaces lists and JSON patch applies operations in order', () => {
    expect(mergePatch({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { d: 2 } })).toEqual({ a: [3], b: { c: 1, d: 2 } });
    expect(jsonPatch({ a: [1], m: { x: 1 } }, [{ op: 'add', path: '/a/-', value: 2 }, { op: 'replace', path: '/m/x', value: 5 }, { op: 'remove', path: '/m/x' }])).toEqual({ a: [1, 2], m: {} });
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(/testing value/);
  });
});

describe('selectors', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', uid: 'u', resourceVersion: '1', creationTimestamp: '', labels: { app: 'web', tier: 'front' } }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } } as KubeObject;

  test('label selectors use the API grammar', () => {
    expect(labelSelectorPredicate('app=web,tier in (front,back)')?.(pod)).toBe(true);
    expect(labelSelectorPredicate('app!=web')?.(pod)).toBe(false);
    expect(labelSelectorPredicate('!missing,app')?.(pod)).toBe(true);
  });

  test('field selectors accept what kubectl sends and refuse unknown fields', () => {
    expect(fieldSelectorPredicate('spec.nodeName=n1,status.phase!=Failed', 'pods')?.(pod)).toBe(true);
    expect(() => fieldSelectorPredicate('spec.bogus=1', 'pods')).toThrow(/field label not supported/);
  });
});
