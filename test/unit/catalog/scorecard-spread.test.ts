import { describe, expect, it } from 'vitest';
import type { CatalogService, CatalogWorkload } from '../../../shared/api/catalog.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';
import { relation } from '../../../shared/estate/model.js';
import { parseRules } from '../../../electron/engine/catalog/scorecard-rules.js';
import { evaluateServiceInSteps } from '../../../electron/engine/catalog/scorecard-checks.js';
import type { EstateReader } from '../../../electron/engine/state/estate-reader.js';
import { entity } from '../state/estate-fixtures.js';

/**
 * The spread check reads each pod's node zone once per node in an evaluation. Two clusters may
 * both have a node called n1, in different zones.
 */

function estate(entities: Entity[], relations: Relation[]): EstateReader {
  const byId = new Map(entities.map((e) => [e.id, e]));
  return {
    get: (id) => byId.get(id),
    find: () => [],
    children: (id) => entities.filter((e) => e.parentId === id),
    parent: (id) => byId.get(byId.get(id)?.parentId ?? ''),
    relationsOf: (id) => relations.filter((r) => r.from === id || r.to === id),
    related: (id, kind, direction) =>
      relations
        .filter((r) => r.kind === kind && (direction === 'out' ? r.from === id : r.to === id))
        .map((r) => byId.get(direction === 'out' ? r.to : r.from))
        .filter((e): e is Entity => e !== undefined),
    withDescendants: (ids) => [...ids, ...entities.filter((e) => ids.includes(e.parentId ?? '')).map((e) => e.id)],
  };
}

function workload(id: string, sourceId: string): CatalogWorkload {
  return { id, kind: 'deployment', cluster: sourceId, cloud: null, namespace: 'shop', name: id, replicas: 2, readyReplicas: 2, production: true };
}

function spreadOf(reader: EstateReader, workloads: CatalogWorkload[]) {
  const parsed = parseRules('t.yaml', ['levels: [bronze]', 'rules:', '  - { id: spread, title: Spread, level: bronze, check: spread }'].join('\n'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const service: CatalogService = { id: 'web', name: 'web', system: null, team: null, owner: null, ownerFrom: null, tier: null, lifecycle: null, onCall: null, links: [], runbooks: [], workloads, clusters: [], declared: null };
  const steps = evaluateServiceInSteps(service, parsed.rules, { reader, runbooks: () => [], kubeReasonCounts: () => new Map(), now: 1 });
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value.results[0]!;
}

const node = (source: string, name: string, zone: string) => entity(`${source}/Node/${name}`, 'node', null, source, { status: { zone } });
const pod = (source: string, owner: string, name: string, nodeName: string) => entity(`${owner}/Pod/${name}`, 'pod', owner, source, { status: { nodeName } });

describe('the spread check', () => {
  it('tells nodes of the same name in two clusters apart', () => {
    const entities = [
      node('a', 'n1', 'z1'),
      node('a', 'n2', 'z1'),
      node('b', 'n1', 'z2'),
      node('b', 'n4', 'z2'),
      entity('wa', 'deployment', null, 'a'),
      entity('wb', 'deployment', null, 'b'),
      pod('a', 'wa', 'p1', 'n1'),
      pod('a', 'wa', 'p2', 'n2'),
      pod('b', 'wb', 'p1', 'n1'),
      pod('b', 'wb', 'p2', 'n4'),
    ];
    const runsOn = entities.filter((e) => e.kind === 'pod').map((p) => relation('runs-on', p.id, `${p.sourceId}/Node/${String(p.status['nodeName'])}`, p.sourceId));
    // Each workload's pods are on two nodes of one zone: a's n1 is in z1, b's in z2, whichever is read first.
    for (const order of [['a', 'b'], ['b', 'a']]) {
      const result = spreadOf(estate(entities, runsOn), order.map((c) => workload(`w${c}`, c)));
      expect(result.status).toBe('fail');
      expect(result.evidence).toEqual(
        order.map((c) => ({ object: `w${c}`, field: 'nodes topology.kubernetes.io/zone', value: c === 'a' ? 'z1' : 'z2' })),
      );
    }
  });

  it('names the node when every pod is on one, and passes pods spread over zones', () => {
    const entities = [node('a', 'n1', 'z1'), node('a', 'n2', 'z2'), entity('wa', 'deployment', null, 'a'), pod('a', 'wa', 'p1', 'n1'), pod('a', 'wa', 'p2', 'n1'), pod('a', 'wa', 'p3', 'n2')];
    const runsOn = entities.filter((e) => e.kind === 'pod').map((p) => relation('runs-on', p.id, `a/Node/${String(p.status['nodeName'])}`, 'a'));
    expect(spreadOf(estate(entities, runsOn), [workload('wa', 'a')]).status).toBe('pass');
    const oneNode = entities.map((e) => (e.id === 'wa/Pod/p3' ? { ...e, status: { nodeName: 'n1' } } : e));
    expect(spreadOf(estate(oneNode, runsOn), [workload('wa', 'a')]).evidence).toEqual([{ object: 'wa', field: 'pods spec.nodeName', value: 'n1' }]);
  });
});
