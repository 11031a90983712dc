/**
 * The load model for one service at one instant: demand, how well its ready pods absorb it,
 * and what callers see (latency quantiles, error ratio). Pure arithmetic; EstateLoad feeds it
 * pod state and time, so CloudWatch, Prometheus and metrics.k8s.io all derive from here.
 */

/** What the pods and injected faults of one service look like over a stretch of time. */
export interface ServiceCondition {
  desired: number;
  /** Ready pods, crash-looping or not: the Service's endpoints send them traffic. */
  ready: number;
  /** Pods on an image the simulation treats as broken, in any phase. */
  crashing: number;
  /** Injected traffic multiplier (traffic surge). */
  loadFactor: number;
  /** Injected capacity multiplier (saturation: a database losing IOPS, a cache thrashing). */
  capacityFactor: number;
  /** Ready pods that are wedged, and what each request to one waits before it is served (see InjectedEffects). */
  hung?: number;
  hangMs?: number;
  /** Ready pods whose build answers errors (a bad canary); absent: none. */
  erroring?: number;
  /** Share of its origin's requests a traffic route sends it (HTTPRoute weights, NGINX canary); absent: all of its own. */
  trafficShare?: number;
  /** A replayed incident's errors on top of the service's own (absent: none). */
  extraErrorRatio?: number;
  /** A replayed incident's latency, as a multiple of what the service would show (absent: 1). */
  latencyFactor?: number;
}

/** Of the requests a pod on an erroring build receives, the share it fails. */
export const ERRORING_POD_FAILURES = 0.6;

export interface ServiceLoad {
  /** Requests per second arriving at the service. */
  rps: number;
  errorRatio: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Log-normal spread of latency; with p50Ms it gives any quantile or bucket share. */
  sigma: number;
  /** Demand over what the ready pods can serve; 0.45 is a healthy baseline, above 1 sheds load. */
  utilization: number;
}

/** Healthy services run their pods at this share of capacity at load factor 1. */
export const BASELINE_UTILIZATION = 0.45;
/** What a request to a dependency adds of the dependency's own latency and errors. */
const DEPENDENCY_SHARE = 0.6;
const BASE_SIGMA = 0.55;
/**
 * How long a caller waits on a dependency before giving up: requests slower than this fail
 * (a client timeout, a 504), and the caller waited the whole timeout for them.
 */
export const CALL_TIMEOUT_MS = 1000;
const Z90 = 1.2815515655;
const Z99 = 2.3263478740;

export interface OwnLoadInput {
  demandRps: number;
  baseLatencyMs: number;
  baseErrorRatio: number;
  /** Requests per second one pod serves at full utilization. */
  podCapacityRps: number;
  condition: ServiceCondition;
}

/** The service's own behaviour, before adding what its dependencies contribute. */
export function ownLoad(input: OwnLoadInput): ServiceLoad {
  const { demandRps, baseLatencyMs, baseErrorRatio, podCapacityRps, condition } = input;
  if (demandRps <= 0) {
    // Cluster plumbing (DNS, controllers) that the model gives no traffic: idle, healthy.
    return { rps: 0, errorRatio: 0, p50Ms: baseLatencyMs, p90Ms: baseLatencyMs, p99Ms: baseLatencyMs, sigma: 0, utilization: 0 };
  }
  const capacity = condition.ready * podCapacityRps * condition.capacityFactor;
  if (capacity <= 0) {
    // No endpoints: the load balancer answers 503 itself, fast.
    return { rps: demandRps, errorRatio: 1, p50Ms: baseLatencyMs, p90Ms: baseLatencyMs, p99Ms: baseLatencyMs, sigma: 0, utilization: Infinity };
  }
  const u = demandRps / capacity;
  const queueing = Math.min(40, 1 + (0.6 * Math.max(0, u - 0.5) ** 2) / (1 - Math.min(u, 0.97)));
  const sigma = BASE_SIGMA + 0.35 * Math.min(1, Math.max(0, u - 0.8) / 0.4);
  const shed = u > 1 ? 1 - 1 / u : 0;
  const timeouts = u > 0.9 ? Math.min(0.05, 0.02 * (u - 0.9) * 10) : 0;
  // A crash-looping pod accepts requests between passing its probe and dying: some fail.
  const crashErrors = condition.crashing > 0 ? (condition.crashing / (condition.ready + condition.crashing)) * 0.25 : 0;
  // Endpoints share requests evenly, so erroring pods fail their share of them.
  const badBuildErrors = condition.erroring ? (Math.min(condition.erroring, condition.ready) / condition.ready) * ERRORING_POD_FAILURES : 0;
  const errorRatio = Math.min(1, baseErrorRatio + shed + timeouts + crashErrors + badBuildErrors + (condition.extraErrorRatio ?? 0));
  // Wedged pods add their wait to the requests they get; a mix of wedged and fresh pods widens the spread.
  const hungShare = condition.hung && condition.hangMs && condition.ready > 0 ? Math.min(1, condition.hung / condition.ready) : 0;
  const p50Ms = baseLatencyMs * queueing * (condition.latencyFactor ?? 1) + hungShare * (condition.hangMs ?? 0);
  const mixed = hungShare > 0 && hungShare < 1 ? 0.6 * Math.min(1, 4 * hungShare * (1 - hungShare)) : 0;
  return withQuantiles({ rps: demandRps, errorRatio, p50Ms, p90Ms: 0, p99Ms: 0, sigma: sigma + mixed, utilization: u });
}

/** Adds what the service's calls to its dependencies cost: their latency and their failures. */
export function withDependencies(own: ServiceLoad, dependencies: readonly ServiceLoad[]): ServiceLoad {
  if (dependencies.length === 0 || own.errorRatio >= 1 || own.rps <= 0) return own;
  let p50 = own.p50Ms;
  let p99 = own.p99Ms;
  let passOk = 1 - own.errorRatio;
  for (const dep of dependencies) {
    // A slow dependency costs its callers at most their timeout, and what times out fails.
    const timedOut = 1 - latencyShareUnder(dep, CALL_TIMEOUT_MS);
    p50 += Math.min(dep.p50Ms, CALL_TIMEOUT_MS) * DEPENDENCY_SHARE;
    p99 += Math.min(dep.p99Ms, CALL_TIMEOUT_MS) * DEPENDENCY_SHARE;
    passOk *= 1 - Math.min(1, dep.errorRatio + timedOut) * DEPENDENCY_SHARE;
  }
  const sigma = p50 > 0 && p99 > p50 ? Math.max(own.sigma, Math.log(p99 / p50) / Z99) : own.sigma;
  return withQuantiles({ ...own, p50Ms: p50, sigma, errorRatio: 1 - passOk });
}

function withQuantiles(load: ServiceLoad): ServiceLoad {
  load.p90Ms = load.p50Ms * Math.exp(Z90 * load.sigma);
  load.p99Ms = load.p50Ms * Math.exp(Z99 * load.sigma);
  return load;
}

/** Quantile q (0..1) of the latency distribution, in ms. */
export function latencyQuantileMs(load: ServiceLoad, q: number): number {
  return load.p50Ms * Math.exp(inverseNormal(q) * load.sigma);
}

/** Share of requests at or under `ms`: what a histogram bucket `le` counts. */
export function latencyShareUnder(load: ServiceLoad, ms: number): number {
  if (load.sigma <= 0) return ms >= load.p50Ms ? 1 : 0;
  return normalCdf((Math.log(ms) - Math.log(load.p50Ms)) / load.sigma);
}

/** Abramowitz–Stegun 7.1.26; good to 1e-7, plenty for bucket shares. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Acklam's rational approximation of the normal quantile function. */
export function inverseNormal(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (k: number[], x: number) => k.reduce((acc, coef) => acc * x + coef, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}
