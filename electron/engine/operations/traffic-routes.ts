import type { TrafficRoute } from '../../../shared/api/traffic.js';
import type { Entity } from '../../../shared/estate/model.js';
import { kubeObjectId, parseKubeId } from '../../../shared/estate/ids.js';
import {
  CANARY_WEIGHT,
  CANARY_WEIGHT_TOTAL,
  STABLE_BACKEND,
  canaryPairBackends,
  canaryWeights,
  isCanaryIngress,
  sharesOf,
  stableBackend,
  type BackendWeight,
  type SplitShare,
} from '../../../shared/traffic/traffic-split.js';
import type { EstateReader } from '../state/estate-reader.js';

/**
 * The routes in front of entities, from the estate: the Services they are (or that select
 * them), then every HTTPRoute and canary Ingress with a `routes-to` relation to one of those
 * Services. Each HTTPRoute rule that names a Service is one route; a canary Ingress and the
 * main Ingress of its host are one. What the Traffic panel draws and offers to shift.
 */
export function trafficRoutesOf(estate: EstateReader, entityIds: readonly string[]): TrafficRoute[] {
  const services = new Set<string>();
  for (const id of entityIds) {
    const entity = estate.get(id);
    if (!entity) continue;
    if (entity.kind === 'service') services.add(id);
    for (const svc of estate.related(id, 'selects', 'in')) if (svc.kind === 'service') services.add(svc.id);
  }
  const routes = new Map<string, TrafficRoute>();
  for (const svc of services) {
    for (const route of estate.related(svc, 'routes-to', 'in')) {
      if (route.kind === 'httproute') for (const r of httpRouteRoutes(route)) routes.set(`${r.target}#${r.rule}`, r);
      if (route.kind === 'ingress') {
        const pair = canaryPair(estate, route);
        if (pair) routes.set(pair.target, pair);
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.title.localeCompare(b.title));
}

function where(entity: Entity): { key: string; namespace: string } | null {
  const parsed = parseKubeId(entity.id);
  return parsed?.shape === 'object' && parsed.namespace ? { key: parsed.clusterKey, namespace: parsed.namespace } : null;
}

function backendsOf(key: string, namespace: string, shares: readonly SplitShare[], stable: string | null): TrafficRoute['backends'] {
  return shares.map((s) => ({ service: s.service, serviceId: kubeObjectId(key, 'Service', namespace, s.service), weight: s.weight, share: s.share, stable: s.service === stable }));
}

function httpRouteRoutes(route: Entity): TrafficRoute[] {
  const at = where(route);
  const split = typeof route.status.split === 'string' ? route.status.split : '';
  if (!at || !split) return [];
  return split.split(';').flatMap((rule, index) => {
    const weights: BackendWeight[] = rule
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.lastIndexOf('=');
        return { service: pair.slice(0, eq), port: null, weight: Number(pair.slice(eq + 1)) };
      });
    if (weights.length === 0) return [];
    const stable = stableBackend(weights, route.annotations[STABLE_BACKEND]);
    return [
      {
        target: route.id,
        kind: 'HTTPRoute' as const,
        name: route.name,
        namespace: at.namespace,
        rule: index,
        title: `HTTPRoute ${at.namespace}/${route.name}, rule ${index}`,
        backends: backendsOf(at.key, at.namespace, sharesOf(weights), stable),
        total: null,
        observedAt: route.observedAt,
        charts: null,
      },
    ];
  });
}

/** A canary Ingress and the main Ingress of its host, found through the Services they route to. */
function canaryPair(estate: EstateReader, ingress: Entity): TrafficRoute | null {
  const at = where(ingress);
  if (!at) return null;
  const siblings = estate.find({ kinds: ['ingress'], within: estate.parent(ingress.id)?.id ?? '' }).filter((i) => i.id !== ingress.id);
  const canary = isCanaryIngress(ingress.annotations) ? ingress : siblings.find((i) => isCanaryIngress(i.annotations) && sameHosts(i, ingress));
  if (!canary) return null;
  const main = canary === ingress ? siblings.find((i) => !isCanaryIngress(i.annotations) && sameHosts(i, canary)) : ingress;
  if (!main) return null;
  const stable = estate.related(main.id, 'routes-to', 'out')[0];
  const canaryService = estate.related(canary.id, 'routes-to', 'out')[0];
  if (!stable || !canaryService) return null;
  const weights = canaryWeights({ [CANARY_WEIGHT]: canary.annotations[CANARY_WEIGHT] ?? '0', [CANARY_WEIGHT_TOTAL]: canary.annotations[CANARY_WEIGHT_TOTAL] ?? '100' });
  const shares = canaryPairBackends({ service: stable.name, port: null }, { service: canaryService.name, port: null }, weights);
  return {
    target: canary.id,
    kind: 'Ingress',
    name: canary.name,
    namespace: at.namespace,
    rule: 0,
    title: `NGINX canary ${at.namespace}/${canary.name} → ${stable.name}`,
    backends: backendsOf(at.key, at.namespace, shares, stable.name),
    total: weights.total,
    observedAt: canary.observedAt,
    charts: null,
  };
}

function sameHosts(a: Entity, b: Entity): boolean {
  const hosts = (e: Entity) => new Set(String(e.status.hosts ?? '').split(', '));
  const other = hosts(b);
  return [...hosts(a)].some((h) => other.has(h));
}
