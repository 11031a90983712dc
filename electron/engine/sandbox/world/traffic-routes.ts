import { canaryPairBackends, canaryWeights, httpRouteRuleBackends, ingressBackend, ingressHosts, isCanaryIngress, sharesOf, type SplitShare } from '../../../../shared/traffic/traffic-split.js';
import type { ObjectStore } from '../kube/store.js';
import type { KubeObject, ServiceObject } from '../kube/types.js';
import type { ServiceSpec, TrafficPicture } from '../world.js';

export const HTTPROUTES = 'httproutes.gateway.networking.k8s.io';
const INGRESSES = 'ingresses.networking.k8s.io';

interface Routed {
  namespace: string;
  backends: SplitShare[];
}

export interface RoutedTraffic extends TrafficPicture {
  /** Each variant's Service selector: its pods are the ones the Service selects. */
  selectors: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/**
 * Reads every cluster's HTTPRoutes and ingress-nginx canary pairs into the shares the load
 * model serves. A service named by several routes follows the first (HTTPRoutes by namespace
 * and name, rule by rule, then canary Ingresses): the sandbox models one split per service, as
 * a canary is usually shifted by one route. A route none of whose backends is a ServiceSpec
 * carries no simulated traffic and is ignored.
 */
export function routedTraffic(clusters: Iterable<[string, ObjectStore]>, specs: ReadonlyMap<string, ServiceSpec>): RoutedTraffic {
  const shares = new Map<string, number>();
  const variants: ServiceSpec[] = [];
  const originOf = new Map<string, string>();
  const selectors = new Map<string, Readonly<Record<string, string>>>();
  for (const [cluster, store] of clusters) {
    for (const route of routesIn(store)) {
      const origin = route.backends.map((b) => specs.get(`${cluster}/${route.namespace}/${b.service}`)).find((s) => s !== undefined);
      if (!origin) continue;
      for (const backend of route.backends) {
        const id = `${cluster}/${route.namespace}/${backend.service}`;
        if (shares.has(id)) continue;
        shares.set(id, backend.share);
        if (specs.has(id)) continue;
        const selector = store.get<ServiceObject>('services', route.namespace, backend.service)?.spec.selector;
        if (!selector || Object.keys(selector).length === 0) continue;
        // A canary sits behind the origin's load balancer and database, not its own.
        const { loadBalancer: _lb, dbInstance: _db, ...shape } = origin;
        variants.push({ ...shape, id, name: backend.service });
        originOf.set(id, origin.id);
        selectors.set(id, selector);
      }
    }
  }
  return { shares, variants, originOf, selectors };
}

function routesIn(store: ObjectStore): Routed[] {
  const out: Routed[] = [];
  const routes = store.objects<KubeObject & { spec?: { rules?: unknown[] } }>(HTTPROUTES).filter((r) => !r.metadata.deletionTimestamp);
  routes.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  for (const route of routes) {
    for (const rule of route.spec?.rules ?? []) {
      const backends = httpRouteRuleBackends(rule);
      if (backends.length > 0) out.push({ namespace: route.metadata.namespace ?? 'default', backends: sharesOf(backends) });
    }
  }
  const ingresses = store.objects<KubeObject & { spec?: unknown }>(INGRESSES).filter((i) => !i.metadata.deletionTimestamp);
  for (const canary of ingresses.filter((i) => isCanaryIngress(i.metadata.annotations))) {
    const main = mainIngressOf(canary, ingresses);
    const stable = main && ingressBackend(main.spec);
    const canaryBackend = ingressBackend(canary.spec);
    if (!stable || !canaryBackend) continue;
    out.push({ namespace: canary.metadata.namespace ?? 'default', backends: canaryPairBackends(stable, canaryBackend, canaryWeights(canary.metadata.annotations)) });
  }
  return out;
}

/** ingress-nginx applies a canary to the main (non-canary) Ingress serving the same host in its namespace. */
export function mainIngressOf<T extends KubeObject & { spec?: unknown }>(canary: T, ingresses: readonly T[]): T | undefined {
  const hosts = new Set(ingressHosts(canary.spec));
  return ingresses.find(
    (i) =>
      i.metadata.namespace === canary.metadata.namespace &&
      !isCanaryIngress(i.metadata.annotations) &&
      !i.metadata.deletionTimestamp &&
      ingressHosts(i.spec).some((h) => hosts.has(h)),
  );
}
