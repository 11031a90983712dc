import { describe, expect, test } from 'vitest';
import { recordUpdate, serverSideApply, toFieldsV1, fieldPaths } from '../../../electron/engine/sandbox/kube/server-side-apply.js';
import type { KubeObject } from '../../../electron/engine/sandbox/kube/types.js';

const deployment = (replicas: number, image: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: { replicas, template: { spec: { containers: [{ name: 'web', image, ...extra }] } } },
  }) as unknown as KubeObject;

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('server-side apply', () => {
  test('records what a manager applied as FieldsV1, keying containers by name', () => {
    const applied = serverSideApply(undefined, deployment(2, 'nginx:1.27'), 'kubectl', false, NOW);
    const entry = (applied.metadata as unknown as { managedFields: { manager: string; operation: string; fieldsV1: Record<string, unknown> }[] }).managedFields[0];
    expect(entry?.manager).toBe('kubectl');
    expect(entry?.operation).toBe('Apply');
    expect(entry?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {} } } } } },
    });
  });

  test('a second manager changing an owned field conflicts, agreeing on its value does not, forcing takes it over', () => {
    const live = serverSideApply(undefined, deployment(2, 'nginx:1.27'), 'kubectl', false, NOW);
    expect(() => serverSideApply(live, deployment(4, 'nginx:1.27'), 'ci', false, NOW)).toThrow('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas');
    expect(() => serverSideApply(live, deployment(2, 'nginx:1.27'), 'ci', false, NOW)).not.toThrow();
    const forced = serverSideApply(live, deployment(4, 'nginx:1.27'), 'ci', true, NOW);
    expect((forced.spec as { replicas: number }).replicas).toBe(4);
    const owners = (forced.metadata as unknown as { managedFields: { manager: string; fieldsV1: Record<string, Record<string, unknown>> }[] }).managedFields;
    expect(owners.find((m) => m.manager === 'kubectl')?.fieldsV1['f:spec']?.['f:replicas']).toBeUndefined();
  });

  test('a field the manager stops applying is removed, unless another manager owns it', () => {
    const live = serverSideApply(undefined, deployment(2, 'nginx:1.27', { command: ['nginx'] }), 'kubectl', false, NOW);
    const dropped = serverSideApply(live, deployment(2, 'nginx:1.27'), 'kubectl', false, NOW);
    const container = (dropped.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0];
    expect(container?.command).toBeUndefined();
  });

  test('an ordinary update gives its manager the fields it changed', () => {
    const before = serverSideApply(undefined, deployment(2, 'nginx:1.27'), 'kubectl', false, NOW);
    const after = structuredClone(before);
    (after.spec as { replicas: number }).replicas = 7;
    recordUpdate(before, after, 'kubectl-scale', NOW);
    const fields = (after.metadata as unknown as { managedFields: { manager: string; operation: string; fieldsV1: unknown }[] }).managedFields;
    expect(fields.find((m) => m.manager === 'kubectl-scale')).toMatchObject({ operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
    expect(toFieldsV1(fieldPaths(deployment(1, 'x')))).toHaveProperty('f:spec');
  });
});
