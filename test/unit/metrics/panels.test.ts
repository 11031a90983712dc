import { describe, expect, it } from 'vitest';
import type { Source } from '../../../shared/api/sources.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';
import { relation } from '../../../shared/estate/model.js';
import { derivePanels, type EstateView } from '../../../electron/engine/metrics/panels.js';
import type { ClusterSeries, Coverage } from '../../../electron/engine/providers/prometheus/coverage.js';

/**
 * Golden-signal panels follow what each Prometheus really has: addressed with a `cluster` label
 * only when its series carry one, offered only for series that exist, and otherwise a sentence
 * saying what is missing.
 */
const PROM = 'prometheus:thanos.example:9090';

function entity(id: string, kind: Entity['kind'], name: string, status: Entity['status'] = {}): Entity {
  return { id, kind, name, parentId: null, sourceId: 'k8s:prod', labels: { 'app.kubernetes.io/name': name }, annotations: {}, health: 'healthy', healthReason: '', status, observedAt: 0 };
}

function source(id: string, kind: Source['kind'], state: Source['state'] = 'live'): Source {
  return { id, kind, name: id, location: id, state, reason: '', lastSyncAt: 0, enabled: true, sandbox: false };
}

function estate(): EstateView {
  const entities = [
    entity('k8s:prod', 'cluster', 'prod', { cluster: 'prod-eu' }),
    entity('k8s:prod/shop/Service/api', 'service', 'api', { selector: 'app.kubernetes.io/name=api' }),
    entity('k8s:prod/shop/Deployment/api', 'deployment', 'api'),
    entity('k8s:prod/jobs/Deployment/mailer', 'deployment', 'mailer'),
  ];
  const relations: Relation[] = [relation('selects', 'k8s:prod/shop/Service/api', 'k8s:prod/shop/Deployment/api', 'k8s:prod')];
  const byId = new Map(entities.map((e) => [e.id, e]));
  return {
    get: (id) => byId.get(id),
    relationsOf: (id) => relations.filter((r) => r.from === id || r.to === id),
    sources: () => [source('k8s:prod', 'kubernetes'), source(PROM, 'prometheus')],
  };
}

function covering(series: Partial<ClusterSeries>): Coverage {
  const full: ClusterSeries = { clusterLabel: null, requestServices: new Set(), latencyServices: new Set(), containerPods: new Map(), ...series };
  return { learnedAt: 0, byContext: new Map([['prod', full]]), unmatched: [] };
}

const promqlOf = (panels: ReturnType<typeof derivePanels>['panels']) => panels.flatMap((p) => p.queries).flatMap((q) => (q.query.kind === 'promql' ? [q.query.expr] : []));

describe('golden-signal panels from what a Prometheus has', () => {
  it('addresses a multi-cluster Prometheus by the cluster label its series carry', () => {
    const coverage = covering({ clusterLabel: 'prod-eu', requestServices: new Set(['shop/api']), latencyServices: new Set(['shop/api']), containerPods: new Map([['shop', ['api-7d9f-x1']]]) });
    const { panels, missing } = derivePanels(estate(), 'k8s:prod/shop/Service/api', () => undefined, () => coverage);
    expect(missing).toEqual([]);
    const exprs = promqlOf(panels);
    expect(exprs).toHaveLength(6);
    for (const e of exprs) expect(e).toContain('cluster="prod-eu",namespace="shop"');
    expect(exprs[0]).toBe('sum(rate(http_requests_total{cluster="prod-eu",namespace="shop",service="api"}[1m]))');
  });

  it('leaves the cluster label out for a Prometheus per cluster, and skips the histogram it lacks', () => {
    const coverage = covering({ requestServices: new Set(['shop/api']), containerPods: new Map([['shop', ['api-7d9f-x1']]]) });
    const { panels, missing } = derivePanels(estate(), 'k8s:prod/shop/Service/api', () => undefined, () => coverage);
    for (const e of promqlOf(panels)) expect(e).not.toContain('cluster=');
    expect(panels.some((p) => p.signal === 'latency')).toBe(false);
    expect(missing).toEqual([expect.objectContaining({ signals: ['latency'], subject: 'api', source: PROM })]);
  });

  it('says a workload with container series but no request metrics exports none', () => {
    const coverage = covering({ containerPods: new Map([['jobs', ['mailer-5c6b-aa1']]]) });
    const { panels, missing } = derivePanels(estate(), 'k8s:prod/jobs/Deployment/mailer', () => undefined, () => coverage);
    expect(panels.map((p) => p.signal)).toEqual(['saturation', 'saturation']);
    expect(missing).toEqual([{ signals: ['traffic', 'errors', 'latency'], subject: 'mailer', source: PROM, reason: 'No request metrics for mailer: it exports none.' }]);
  });

  it('asks nothing of a Prometheus that covers other clusters, and says so', () => {
    const elsewhere: Coverage = { learnedAt: 0, byContext: new Map(), unmatched: ['staging'] };
    const { panels, missing } = derivePanels(estate(), 'k8s:prod/shop/Service/api', () => undefined, () => elsewhere);
    expect(promqlOf(panels)).toEqual([]);
    expect(missing.map((m) => m.reason)).toEqual([`No Prometheus source has series from prod-eu: ${PROM} covers other clusters.`]);
  });

  it('says when it does not yet know what a Prometheus covers', () => {
    const { missing } = derivePanels(estate(), 'k8s:prod/shop/Service/api', () => undefined, () => undefined);
    expect(missing[0]?.reason).toMatch(/not yet known which clusters it covers/);
  });
});
