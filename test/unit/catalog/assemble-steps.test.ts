import { describe, expect, it } from 'vitest';
import { assembleCatalogInSteps } from '../../../electron/engine/catalog/services.js';
import type { AssembledCatalog } from '../../../electron/engine/catalog/services.js';
import type { EstateReader } from '../../../electron/engine/state/estate-reader.js';
import { clusterId, kubeObjectId, kubeSourceId } from '../../../shared/estate/ids.js';
import type { Entity } from '../../../shared/estate/model.js';

/**
 * A kubeconfig as real users have it: one cluster reached by an admin and a viewer context (the
 * same server), another by one context, each workload listed once per context that sees it.
 */
function estate(perCluster: number): { reader: EstateReader; workloads: Entity[] } {
  const entities = new Map<string, Entity>();
  const entity = (e: Partial<Entity> & Pick<Entity, 'id' | 'kind' | 'name' | 'sourceId'>): Entity => ({
    parentId: null,
    labels: {},
    annotations: {},
    health: 'healthy',
    healthReason: '',
    status: {},
    observedAt: 0,
    ...e,
  });
  const contexts = [
    { context: 'prod-eu-viewer', server: 'https://eu.example:6443' },
    { context: 'prod-eu', server: 'https://eu.example:6443' },
    { context: 'staging', server: 'https://staging.example:6443' },
  ];
  const workloads: Entity[] = [];
  for (const { context, server } of contexts) {
    const sourceId = kubeSourceId(context);
    entities.set(clusterId(context), entity({ id: clusterId(context), kind: 'cluster', name: context, sourceId, status: { server } }));
    for (let i = 0; i < perCluster; i++) {
      const name = `svc-${i}`;
      const w = entity({
        id: kubeObjectId(context, 'Deployment', `team-${i % 4}`, name),
        kind: 'deployment',
        name,
        sourceId,
        labels: { 'app.kubernetes.io/name': `app-${i % 50}`, team: `team-${i % 4}` },
        status: { replicas: 2, readyReplicas: 2 },
      });
      workloads.push(w);
      entities.set(w.id, w);
    }
  }
  const reader = {
    get: (id: string) => entities.get(id),
    find: () => workloads,
    children: () => [],
    parent: () => undefined,
    relationsOf: () => [],
    related: () => [],
    withDescendants: () => [],
  } as unknown as EstateReader;
  return { reader, workloads };
}

function drive(steps: Generator<void, AssembledCatalog, void>): { yielded: number; catalog: AssembledCatalog } {
  let yielded = 0;
  let step = steps.next();
  while (!step.done) {
    yielded++;
    step = steps.next();
  }
  return { yielded, catalog: step.value };
}

describe('assembling the catalog in steps', () => {
  it('yields every few hundred workloads, so the sliced pass can stop between them', () => {
    const { reader } = estate(1_000);
    const { yielded, catalog } = drive(assembleCatalogInSteps(reader, { components: [], groups: new Map(), problems: [] }, () => true));
    // 2,000 workloads once the viewer's copies are dropped: grouped, then built into rows.
    expect(yielded).toBeGreaterThanOrEqual(2 * (2_000 / 200) - 2);
    expect(catalog.services).toHaveLength(50);
  });

  it('counts a workload seen through two contexts of one cluster once, the admin context\u2019s copy', () => {
    const { reader } = estate(100);
    const { catalog } = drive(assembleCatalogInSteps(reader, { components: [], groups: new Map(), problems: [] }, (context) => context === 'prod-eu'));
    const rows = catalog.services.flatMap((s) => s.workloads);
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.cluster))).toEqual(new Set(['prod-eu', 'staging']));
    expect(rows.filter((r) => r.production)).toHaveLength(100);
    // Every kept workload is named in serviceOf, and only those.
    expect(catalog.serviceOf.size).toBe(200);
    expect([...catalog.serviceOf.keys()].some((id) => id.includes('prod-eu-viewer'))).toBe(false);
    // Services in key order, each one's workloads in id order.
    const ids = catalog.services.map((s) => s.id);
    expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
    for (const s of catalog.services) expect(s.workloads.map((w) => w.id)).toEqual(s.workloads.map((w) => w.id).sort((a, b) => a.localeCompare(b)));
  });
});
