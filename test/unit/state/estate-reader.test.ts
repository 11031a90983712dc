import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EstateState } from '../../../electron/engine/state/estate-state.js';
import { SourceRegistry } from '../../../electron/engine/sources/source-registry.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { clusterFact, deploymentFact, entity, podFact, sourceOf, tempDataDir } from './estate-fixtures.js';

const prod = 'shop-prod';
const staging = 'shop-staging';
let data: ReturnType<typeof tempDataDir>;
let db: StoreDatabase;
let state: EstateState;

beforeEach(() => {
  data = tempDataDir();
  db = data.open();
  state = new EstateState({ db, sources: new SourceRegistry(), frameMs: 50 });
  // Given two clusters: prod runs web (2 pods) and api (1 pod), staging runs web (1 pod).
  state.replace(sourceOf(prod), 'cluster', [clusterFact(prod)]);
  state.replace(sourceOf(staging), 'cluster', [clusterFact(staging)]);
  for (const ctx of [prod, staging]) {
    state.replace(sourceOf(ctx), 'namespaces', [{ entity: entity(`k8s:${ctx}/shop`, 'namespace', `k8s:${ctx}`, sourceOf(ctx)) }]);
  }
  state.replace(sourceOf(prod), 'deployments', [
    deploymentFact(prod, 'shop', 'web', { app: 'web', tier: 'frontend' }),
    deploymentFact(prod, 'shop', 'api', { app: 'api', tier: 'backend' }),
  ]);
  state.replace(sourceOf(staging), 'deployments', [deploymentFact(staging, 'shop', 'web', { app: 'web', tier: 'frontend' })]);
  const web = `k8s:${prod}/shop/Deployment/web`;
  state.replace(sourceOf(prod), 'pods', [
    podFact(prod, 'shop', 'web-1', { owner: web, node: 'n1' }),
    podFact(prod, 'shop', 'web-2', { owner: web, node: 'n1' }),
    podFact(prod, 'shop', 'api-1', { owner: `k8s:${prod}/shop/Deployment/api`, node: 'n2' }),
  ]);
});

afterEach(() => {
  state.close();
  db.close();
  data.remove();
});

const ids = (list: Array<{ id: string }>) => list.map((e) => e.id).sort();

describe('reading the estate through its read seam', () => {
  it('finds entities by kind and label selector, across clusters or within one', () => {
    expect(ids(state.find({ kinds: ['deployment'], labels: 'tier=frontend' }))).toEqual([
      `k8s:${prod}/shop/Deployment/web`,
      `k8s:${staging}/shop/Deployment/web`,
    ]);
    expect(ids(state.find({ kinds: ['deployment'], labels: 'tier in (frontend,backend)', within: `k8s:${prod}` }))).toEqual([
      `k8s:${prod}/shop/Deployment/api`,
      `k8s:${prod}/shop/Deployment/web`,
    ]);
    expect(ids(state.find({ labels: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, kinds: ['deployment'] }))).toEqual([
      `k8s:${prod}/shop/Deployment/api`,
    ]);
    expect(state.find({ kinds: ['pod'], sourceId: sourceOf(staging) })).toEqual([]);
    expect(() => state.find({ labels: 'tier in frontend' })).toThrow(/unable to parse/);
  });

  it('follows owners and relations without copying the estate', () => {
    const web = `k8s:${prod}/shop/Deployment/web`;
    expect(ids(state.related(web, 'owns', 'out'))).toEqual([`k8s:${prod}/shop/Pod/web-1`, `k8s:${prod}/shop/Pod/web-2`]);
    expect(state.relationsOf(`k8s:${prod}/shop/Pod/web-1`, 'runs-on', 'out').map((r) => r.to)).toEqual([`k8s:${prod}/Node/n1`]);
    expect(state.relationsOf(`k8s:${prod}/shop/Pod/web-1`, 'runs-on', 'in')).toEqual([]);
    expect(state.parent(web)?.id).toBe(`k8s:${prod}/shop`);
    expect(state.withDescendants([web]).sort()).toEqual([web, `k8s:${prod}/shop/Pod/web-1`, `k8s:${prod}/shop/Pod/web-2`]);
    expect(state.withDescendants([web], 2)).toHaveLength(2);
  });

  it('keeps the kind index current as entities go', () => {
    state.replace(sourceOf(prod), 'deployments', [deploymentFact(prod, 'shop', 'web', { app: 'web', tier: 'frontend' })]);
    expect(ids(state.find({ kinds: ['deployment'], within: `k8s:${prod}` }))).toEqual([`k8s:${prod}/shop/Deployment/web`]);
  });
});

describe('the events of an entity and its children, through the event store', () => {
  it('answers newest first for a deployment and its pods, between t1 and t2', () => {
    const web = `k8s:${prod}/shop/Deployment/web`;
    // Recent, so the event store's retention (30 days by default) keeps them.
    const t = Date.now() - 60_000;
    const base = { sourceId: sourceOf(prod), kind: 'kubernetes' as const, type: 'normal' as const, message: '', count: 1 };
    state.recordEvents(sourceOf(prod), [
      { ...base, id: 'e1', entityId: web, reason: 'ScalingReplicaSet', firstAt: t, lastAt: t },
      { ...base, id: 'e2', entityId: `k8s:${prod}/shop/Pod/web-2`, reason: 'BackOff', firstAt: t + 10, lastAt: t + 10 },
      { ...base, id: 'e3', entityId: `k8s:${prod}/shop/Pod/api-1`, reason: 'Pulled', firstAt: t + 20, lastAt: t + 20 },
    ]);
    state.flush();
    const page = state.events.query({ entityIds: state.withDescendants([web]), from: t, to: t + 100 });
    expect(page.events.map((e) => e.id)).toEqual(['e2', 'e1']);
  });
});
