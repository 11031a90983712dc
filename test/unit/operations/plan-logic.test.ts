import { describe, expect, it } from 'vitest';
import { objectDiff } from '../../../electron/engine/operations/diff.js';
import { confirmationFor, confirmationProblem } from '../../../electron/engine/operations/guardrail.js';
import { hpaRisks, isProductionContext, pdbRisks, replicaRisks, rolloutRisks } from '../../../electron/engine/operations/risks.js';
import { deploymentRolloutStatus } from '../../../electron/engine/operations/rollout-status.js';
import { parseTarget } from '../../../electron/engine/operations/target.js';
import { lastReplicaRisks } from '../../../electron/engine/operations/kinds/pods.js';
import type { Pod, Workload } from '../../../electron/engine/operations/kube-objects.js';

const patterns = ['prod', 'production', 'prd'];

describe('targets', () => {
  it('reads namespaced and node ids, and cluster names with slashes (percent-encoded in the id)', () => {
    expect(parseTarget('k8s:shop-staging/shop/Deployment/web')).toMatchObject({ context: 'shop-staging', namespace: 'shop', kind: 'Deployment', name: 'web' });
    expect(parseTarget('k8s:arn:aws:eks:eu-west-1:1:cluster%2Fshop/shop/Deployment/web')).toMatchObject({ context: 'arn:aws:eks:eu-west-1:1:cluster/shop', namespace: 'shop' });
    expect(parseTarget('k8s:edge/Node/node-3')).toMatchObject({ context: 'edge', namespace: null, kind: 'Node', name: 'node-3' });
  });
  it('refuses what operations do not act on, saying why', () => {
    expect(() => parseTarget('k8s:edge/shop/Service/web')).toThrow(/not Service/);
    expect(() => parseTarget('aws:1/eu-west-1/alb/web')).toThrow(/k8s:/);
  });
});

describe('risks', () => {
  it('knows production contexts by the configured patterns, case-insensitively', () => {
    expect(isProductionContext('shop-PROD-eks', patterns)).toBe(true);
    expect(isProductionContext('shop-staging', patterns)).toBe(false);
    expect(isProductionContext('a(b', ['(b'])).toBe(true); // a pattern that is not a regex matches as text
  });

  it('calls scaling to zero dangerous and leaving one replica a warning', () => {
    expect(replicaRisks('web', 3, 0)).toMatchObject([{ code: 'scale-to-zero', severity: 'danger' }]);
    expect(replicaRisks('web', 3, 1)).toMatchObject([{ code: 'last-replica', severity: 'warning' }]);
    expect(replicaRisks('web', 3, 5)).toEqual([]);
  });

  it('names the HPA that will undo a manual scale', () => {
    const hpa = { metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 6 } };
    expect(hpaRisks([hpa], 'Deployment', 'web', 10)[0]?.message).toMatch(/keeps web within 2–6: it will undo a scale to 10/);
    expect(hpaRisks([hpa], 'Deployment', 'api', 10)).toEqual([]);
  });

  it('sees a rollout in progress the way kubectl rollout status does', () => {
    const rolling: Workload = {
      metadata: { name: 'web', generation: 4 },
      spec: { replicas: 3 },
      status: { observedGeneration: 4, replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
    };
    const status = deploymentRolloutStatus(rolling);
    expect(status).toMatchObject({ done: false, message: 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...' });
    expect(rolloutRisks('Deployment shop/web', status)).toMatchObject([{ code: 'rollout-in-progress' }]);
    const done = deploymentRolloutStatus({ ...rolling, status: { ...rolling.status, replicas: 3 } });
    expect(done).toMatchObject({ done: true, message: 'deployment "web" successfully rolled out' });
  });

  it('warns when evictions exceed what a PDB allows, and calls a delete that bypasses one dangerous', () => {
    const pod = (name: string): Pod => ({ metadata: { name, namespace: 'shop', labels: { app: 'web' } } });
    const pdb = { metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1 } };
    expect(pdbRisks([pdb], [pod('a'), pod('b')], 'evict')).toMatchObject([{ code: 'pdb-violation', severity: 'warning' }]);
    expect(pdbRisks([pdb], [pod('a')], 'evict')).toEqual([]);
    expect(pdbRisks([{ ...pdb, status: { disruptionsAllowed: 0 } }], [pod('a')], 'delete')).toMatchObject([{ severity: 'danger' }]);
  });

  it('warns when the pods leaving are every ready replica of their controller', () => {
    const ready = [{ type: 'Ready', status: 'True' }];
    const owned = (name: string, rs: string): Pod => ({
      metadata: { name, namespace: 'shop', ownerReferences: [{ kind: 'ReplicaSet', name: rs, controller: true }] },
      status: { conditions: ready },
    });
    const leaving = [owned('web-1', 'web-abc'), owned('api-1', 'api-abc')];
    const risks = lastReplicaRisks(leaving, [...leaving, owned('web-2', 'web-abc')]);
    expect(risks).toHaveLength(1);
    expect(risks[0]?.message).toMatch(/ReplicaSet shop\/api-abc has no other ready replica/);
  });
});

describe('diff', () => {
  it('keys containers by name and ignores what the server changes on every write', () => {
    const before = { metadata: { resourceVersion: '1', annotations: {} }, spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } };
    const after = {
      metadata: { resourceVersion: '2', annotations: { 'kubernetes.io/change-cause': 'v1' } },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    };
    expect(objectDiff(before, after)).toEqual([
      { field: 'metadata.annotations."kubernetes.io/change-cause"', before: null, after: 'v1' },
      { field: 'spec.template.spec.containers[web].image', before: 'web:2', after: 'web:1' },
    ].sort((a, b) => a.field.localeCompare(b.field)));
  });
});

describe('guardrails', () => {
  it('asks for the name typed in production and for dangerous plans, an acknowledgement otherwise', () => {
    const production = confirmationFor('web', 'scale web to 5', [{ code: 'production', severity: 'danger', message: '' }]);
    expect(production).toMatchObject({ level: 'type-name', expected: 'web' });
    expect(confirmationProblem(production, 'web')).toBeNull();
    expect(confirmationProblem(production, 'confirm')).toMatch(/type "web" exactly/);
    const zero = confirmationFor('web', 'scale web to 0', [{ code: 'scale-to-zero', severity: 'danger', message: '' }]);
    expect(zero.level).toBe('type-name');
    const plain = confirmationFor('web', 'scale web to 5', [{ code: 'hpa-override', severity: 'warning', message: '' }]);
    expect(plain).toMatchObject({ level: 'acknowledge', expected: 'confirm' });
    expect(confirmationProblem(plain, '')).toMatch(/explicit confirmation/);
  });
});
