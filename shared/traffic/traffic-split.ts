/**
 * How a traffic route divides requests among its backend Services, read from the objects
 * that say so, for both the sandbox's load model and the traffic-split operation:
 *
 * - Gateway API HTTPRoute: each rule's `backendRefs[].weight` (default 1) over the rule's sum
 *   (https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref: "proportional to the
 *   sum of all weights in this rule"; a weight of 0 sends nothing there).
 * - ingress-nginx canary: an Ingress annotated `nginx.ingress.kubernetes.io/canary: "true"`
 *   takes `canary-weight` out of `canary-weight-total` (default 100) of the requests for the
 *   same host and path as the main Ingress, which keeps the rest
 *   (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary).
 *
 * Pure: no I/O, so both sides of the process boundary and the tests share one reading.
 */

export const CANARY = 'nginx.ingress.kubernetes.io/canary';
export const CANARY_WEIGHT = 'nginx.ingress.kubernetes.io/canary-weight';
export const CANARY_WEIGHT_TOTAL = 'nginx.ingress.kubernetes.io/canary-weight-total';
/** Names the stable backend of an HTTPRoute rule explicitly (a Service name); see stableBackend. */
export const STABLE_BACKEND = 'daytwo.io/stable-backend';
/** Gateway API's upper bound on one backendRef's weight. */
export const MAX_ROUTE_WEIGHT = 1_000_000;

export interface BackendWeight {
  /** The Service's name (same namespace as the route). */
  service: string;
  port: number | null;
  weight: number;
}

export interface SplitShare extends BackendWeight {
  /** Fraction of the route's requests, 0..1. */
  share: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The Service backends of one HTTPRoute rule, with Gateway API's defaults filled in. */
export function httpRouteRuleBackends(rule: unknown): BackendWeight[] {
  const out: BackendWeight[] = [];
  for (const raw of arr(obj(rule).backendRefs)) {
    const ref = obj(raw);
    const group = typeof ref.group === 'string' ? ref.group : '';
    const kind = typeof ref.kind === 'string' ? ref.kind : 'Service';
    // Only core Services carry traffic the sandbox and Daytwo can follow; other kinds are left as they are.
    if (group !== '' || kind !== 'Service' || typeof ref.name !== 'string') continue;
    out.push({ service: ref.name, port: typeof ref.port === 'number' ? ref.port : null, weight: typeof ref.weight === 'number' ? ref.weight : 1 });
  }
  return out;
}

/** Each backend's share of a weighted set (HTTPRoute rule semantics: over the sum of the weights). */
export function sharesOf(backends: readonly BackendWeight[]): SplitShare[] {
  const sum = backends.reduce((n, b) => n + Math.max(0, b.weight), 0);
  return backends.map((b) => ({ ...b, share: sum > 0 ? Math.max(0, b.weight) / sum : 0 }));
}

export interface CanaryWeights {
  weight: number;
  total: number;
}

export function isCanaryIngress(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[CANARY] === 'true';
}

/** The canary's weight and total from its annotations; absent or unparseable reads as ingress-nginx reads it (0 of 100). */
export function canaryWeights(annotations: Readonly<Record<string, string>> | undefined): CanaryWeights {
  const int = (value: string | undefined, fallback: number) => {
    const n = value === undefined ? Number.NaN : Number.parseInt(value, 10);
    return Number.isFinite(n) && n >= 0 ? n : fallback;
  };
  const total = int(annotations?.[CANARY_WEIGHT_TOTAL], 100) || 100;
  return { weight: Math.min(int(annotations?.[CANARY_WEIGHT], 0), total), total };
}

/** The first Service backend of an Ingress (defaultBackend, then the first path): what a canary pair splits. */
export function ingressBackend(spec: unknown): { service: string; port: number | null } | null {
  const s = obj(spec);
  const candidates = [obj(s.defaultBackend), ...arr(s.rules).flatMap((r) => arr(obj(obj(r).http).paths).map((p) => obj(obj(p).backend)))];
  for (const backend of candidates) {
    const service = obj(backend.service);
    if (typeof service.name === 'string' && service.name) {
      const port = obj(service.port);
      return { service: service.name, port: typeof port.number === 'number' ? port.number : null };
    }
  }
  return null;
}

/** The hosts an Ingress serves ("" for a rule without host), to pair a canary with its main Ingress. */
export function ingressHosts(spec: unknown): string[] {
  return arr(obj(spec).rules).map((r) => (typeof obj(r).host === 'string' ? (obj(r).host as string) : ''));
}

/** A canary pair as weights: the main Ingress's backend keeps total − weight. */
export function canaryPairBackends(stable: { service: string; port: number | null }, canary: { service: string; port: number | null }, weights: CanaryWeights): SplitShare[] {
  const canaryShare = weights.total > 0 ? weights.weight / weights.total : 0;
  return [
    { ...stable, weight: weights.total - weights.weight, share: 1 - canaryShare },
    { ...canary, weight: weights.weight, share: canaryShare },
  ];
}

/**
 * Why a proposed set of weights cannot be applied, or null: integers, none negative, at least
 * one backend given traffic (an HTTPRoute rule whose weights are all 0 answers every request
 * with a 500), and for a canary pair within the total.
 */
export function weightsProblem(weights: readonly number[], total?: number): string | null {
  if (weights.length === 0) return 'A split needs at least one backend.';
  for (const w of weights) {
    if (!Number.isInteger(w)) return `Weights are whole numbers; ${w} is not.`;
    if (w < 0) return `Weights cannot be negative; ${w} is.`;
    if (w > (total ?? MAX_ROUTE_WEIGHT)) return `A weight may be at most ${total ?? MAX_ROUTE_WEIGHT}; ${w} is more.`;
  }
  if (total !== undefined && weights.reduce((n, w) => n + w, 0) !== total) return `The weights of a canary pair add up to its total, ${total}.`;
  if (!weights.some((w) => w > 0)) return 'At least one backend must keep some traffic (weight above 0).';
  return null;
}

/** "web 90% · web-canary 10%", for summaries and the timeline. */
export function describeSplit(shares: readonly SplitShare[]): string {
  return shares.map((s) => `${s.service} ${formatPercent(s.share)}`).join(' · ');
}

export function formatPercent(share: number): string {
  const pct = share * 100;
  return `${Number.isInteger(Math.round(pct * 10) / 10) ? Math.round(pct) : (Math.round(pct * 10) / 10).toFixed(1)}%`;
}

/**
 * Which backend of an HTTPRoute rule is stable, for "all to stable": the Service the route's
 * `daytwo.io/stable-backend` annotation names if it is a backend, else the one whose name does
 * not end in "-canary" when exactly one such exists, else the one with the larger weight in
 * `previous` (the split before the incident), else the first.
 */
export function stableBackend(backends: readonly BackendWeight[], annotation: string | undefined, previous?: readonly BackendWeight[]): string | null {
  if (backends.length === 0) return null;
  if (annotation && backends.some((b) => b.service === annotation)) return annotation;
  const notCanary = backends.filter((b) => !/-canary$/.test(b.service));
  if (notCanary.length === 1) return notCanary[0]!.service;
  const basis = previous && previous.length > 0 ? previous : backends;
  const heaviest = [...basis].sort((a, b) => b.weight - a.weight)[0];
  return heaviest && backends.some((b) => b.service === heaviest.service) ? heaviest.service : backends[0]!.service;
}
