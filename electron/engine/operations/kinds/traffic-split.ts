import { ApiError } from '../../../../shared/api/errors.js';
import type { DiffLine, OperationParams, Risk } from '../../../../shared/api/operations.js';
import {
  CANARY_WEIGHT,
  STABLE_BACKEND,
  canaryPairBackends,
  canaryWeights,
  describeSplit,
  formatPercent,
  httpRouteRuleBackends,
  ingressBackend,
  ingressHosts,
  isCanaryIngress,
  sharesOf,
  stableBackend,
  weightsProblem,
  type SplitShare,
} from '../../../../shared/traffic/traffic-split.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import type { BackendSignal, BackendSignalReading, BackendSignals } from '../backend-signals.js';
import type { List, Meta } from '../kube-objects.js';
import type { OperationModule, RunContext } from '../operation.js';
import { enc, readLive, watchUntil } from '../operation.js';
import type { Target } from '../target.js';
import { describeTarget } from '../target.js';

interface RouteObject {
  metadata: Meta;
  spec?: { rules?: { backendRefs?: { name?: string; group?: string; kind?: string; weight?: number }[] }[] } & Record<string, unknown>;
}

interface TrafficAction {
  /** The object the patch goes to (the HTTPRoute, or the canary Ingress of the pair). */
  path: string;
  patchType: 'json' | 'merge';
  patch: unknown;
  cluster: string;
  namespace: string;
  /** The split asked for, by Service: what verification waits to see, in the object and in the metrics. */
  expected: SplitShare[];
  /** Where to read the split back: the HTTPRoute rule, or the canary pair. */
  readBack: { kind: 'HTTPRoute'; rule: number } | { kind: 'Ingress'; main: string; canary: string };
}

/** A request-rate share within this of its weight's share counts as converged. */
export const SHARE_TOLERANCE = 0.05;
/**
 * A backend weighted 0 has converged only when it takes no requests to speak of (under 0.05 %,
 * which reads as 0 %): "all to stable" is about the canary serving nobody, not about 3 % of users.
 */
export const DRAINED_SHARE = 0.0005;
/** Below this many requests a second in all, shares are noise: wait for traffic. */
const MIN_RPS_TO_JUDGE = 0.5;

/** Where a route's split lives and how it reads today. */
interface LiveSplit {
  path: string;
  object: RouteObject;
  backends: SplitShare[];
  stable: string | null;
  /** For a canary pair: the total its weights add up to, and the two Ingresses. */
  pair?: { total: number; main: RouteObject; canary: RouteObject };
  rule: number;
}

const routePath = (t: Target) => `/apis/gateway.networking.k8s.io/v1/namespaces/${enc(t.namespace ?? '')}/httproutes/${enc(t.name)}`;
const ingressesPath = (ns: string) => `/apis/networking.k8s.io/v1/namespaces/${enc(ns)}/ingresses`;

/**
 * Shift traffic between the backends of a route (issue 18). An HTTPRoute rule's
 * `backendRefs[].weight` is patched with a JSON patch that first tests each backend's name at
 * its index, so a route edited since the plan is refused rather than reweighted wrongly
 * (https://gateway-api.sigs.k8s.io/guides/traffic-splitting/). An NGINX canary pair gets its
 * canary Ingress's `canary-weight` annotation as a merge patch
 * (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary).
 * Verification reads the object back and then watches each backend's share of requests in
 * the golden signals until it is within SHARE_TOLERANCE of its weight's share.
 */
export const trafficSplit: OperationModule<'traffic-split', TrafficAction> = {
  kind: 'traffic-split',
  targets: ['HTTPRoute', 'Ingress'],
  permissions: (target) =>
    target.kind === 'HTTPRoute'
      ? [
          { verb: 'get', group: 'gateway.networking.k8s.io', resource: 'httproutes', namespace: target.namespace, name: target.name },
          { verb: 'patch', group: 'gateway.networking.k8s.io', resource: 'httproutes', namespace: target.namespace, name: target.name },
        ]
      : [
          { verb: 'list', group: 'networking.k8s.io', resource: 'ingresses', namespace: target.namespace },
          { verb: 'patch', group: 'networking.k8s.io', resource: 'ingresses', namespace: target.namespace },
        ],
  async plan(calls, target, params, environment) {
    const live = await readSplit(calls, target, params.rule ?? 0);
    const next = proposedSplit(live, params);
    const { path, patchType, patch } = patchFor(live, next);
    await calls.patch(path, patchType, patch, { dryRun: true });
    const namespace = target.namespace ?? 'default';
    const services = live.backends.map((b) => b.service);
    const reading = await readSignals(environment?.signals, target.cluster, namespace, services, 'window');
    const changes: DiffLine[] = live.backends.map((b, i) => {
      const after = next[i]!;
      return {
        field: `${b.service}${b.service === live.stable ? ' (stable)' : ''}`,
        before: `weight ${b.weight} (${formatPercent(b.share)})${signalWords(reading?.byService.get(b.service))}`,
        after: `weight ${after.weight} (${formatPercent(after.share)})`,
      };
    });
    const risks: Risk[] = [];
    for (const [i, b] of next.entries()) {
      const signal = reading?.byService.get(b.service);
      if (b.share > (live.backends[i]?.share ?? 0) && signal?.errorRatio != null && signal.errorRatio >= 0.05) {
        risks.push({ code: 'unhealthy-backend', severity: 'danger', message: `${b.service} is failing ${formatPercent(signal.errorRatio)} of its requests now, and this sends it more.` });
      }
    }
    if (live.backends.every((b, i) => b.weight === next[i]!.weight)) {
      risks.push({ code: 'no-change', severity: 'info', message: `${describeTarget(target)} already splits ${describeSplit(next)}; nothing will change.` });
    }
    const what = live.pair ? `canary pair ${namespace}/${live.pair.main.metadata.name} + ${live.pair.canary.metadata.name}` : `${describeTarget(target)} rule ${live.rule}`;
    const signalNote = reading ? '' : ' (no request metrics cover these backends: verification will read the object back only)';
    return {
      summary: `Shift traffic on ${what} from ${describeSplit(live.backends)} to ${describeSplit(next)}${signalNote}.`,
      changes,
      risks,
      action: {
        path,
        patchType,
        patch,
        cluster: target.cluster,
        namespace,
        expected: next,
        readBack: live.pair ? { kind: 'Ingress', main: live.pair.main.metadata.name, canary: live.pair.canary.metadata.name } : { kind: 'HTTPRoute', rule: live.rule },
      },
      fingerprint: fingerprintOf(live),
      verb: `shift ${target.name} to ${describeSplit(next)}`,
    };
  },
  async fingerprint(calls, target) {
    // The rule index is not part of the target; the backends of every rule are.
    return fingerprintOf(await readSplit(calls, target, 0).catch(() => null));
  },
  async execute(run, action) {
    await withRetry(() => run.calls.patch(action.path, action.patchType, action.patch));
    run.report(`Weights set: ${describeSplit(action.expected)}.`);
  },
  verify(run, action) {
    return watchUntil(run, async () => {
      const now = await readBack(run, action);
      if (!now.every((b) => action.expected.some((e) => e.service === b.service && e.weight === b.weight))) {
        return { done: false, message: `The route reads ${describeSplit(now)}; waiting for ${describeSplit(action.expected)}.` };
      }
      const reading = await readSignals(run.signals, action.cluster, action.namespace, action.expected.map((e) => e.service), 'latest');
      if (!reading) return { done: true, message: `The route splits ${describeSplit(now)} (read back; no request metrics cover these backends to watch).` };
      const observed = observedShares(action.expected, reading);
      if (!observed) return { done: false, message: `The route splits ${describeSplit(now)}; waiting for requests to judge the split by.` };
      const off = observed.filter((o) => (o.expected === 0 ? o.share >= DRAINED_SHARE : Math.abs(o.share - o.expected) > SHARE_TOLERANCE));
      const words = observed.map((o) => `${o.service} ${formatPercent(o.share)} of requests (weight ${formatPercent(o.expected)})`).join(', ');
      const worst = Math.max(...observed.map((o) => Math.abs(o.share - o.expected)));
      return {
        done: off.length === 0,
        message: off.length === 0 ? `Split took effect in ${reading.source}: ${words}.` : `Converging: ${words}.`,
        fraction: Math.max(0, Math.min(1, 1 - worst)),
      };
    });
  },
  timeoutMs: () => 4 * 60_000,
};

/** Each backend's share of the requests all of them served, or null while there are too few to judge. */
export function observedShares(expected: readonly SplitShare[], reading: BackendSignalReading): { service: string; share: number; expected: number }[] | null {
  const rates = expected.map((e) => reading.byService.get(e.service)?.requestsPerSecond ?? 0);
  const total = rates.reduce((n, r) => n + r, 0);
  if (total < MIN_RPS_TO_JUDGE) return null;
  return expected.map((e, i) => ({ service: e.service, share: rates[i]! / total, expected: e.share }));
}

async function readSplit(calls: ClusterCalls, target: Target, rule: number): Promise<LiveSplit> {
  const what = describeTarget(target);
  if (target.kind === 'HTTPRoute') {
    const path = routePath(target);
    const object = await readLive<RouteObject>(calls, path, what);
    const rules = object.spec?.rules ?? [];
    if (rule >= rules.length) throw new ApiError('bad_request', `${what} has ${rules.length} rule${rules.length === 1 ? '' : 's'}; there is no rule ${rule}.`, 'params.rule');
    const weights = httpRouteRuleBackends(rules[rule]);
    if (weights.length === 0) throw new ApiError('bad_request', `Rule ${rule} of ${what} sends traffic to no Service, so there is nothing to shift.`, 'params.rule');
    return { path, object, backends: sharesOf(weights), stable: stableBackend(weights, object.metadata.annotations?.[STABLE_BACKEND]), rule };
  }
  const namespace = target.namespace ?? 'default';
  const list = await calls.get<List<RouteObject>>(ingressesPath(namespace));
  const named = list.items.find((i) => i.metadata.name === target.name);
  if (!named) throw new ApiError('not_found', `${what} does not exist on context "${calls.context}" (read live just now).`);
  const hosts = (i: RouteObject) => new Set(ingressHosts(i.spec));
  const sharesHost = (a: RouteObject, b: RouteObject) => [...hosts(a)].some((h) => hosts(b).has(h));
  const canary = isCanaryIngress(named.metadata.annotations) ? named : list.items.find((i) => isCanaryIngress(i.metadata.annotations) && sharesHost(i, named));
  const main = canary && list.items.find((i) => !isCanaryIngress(i.metadata.annotations) && sharesHost(i, canary));
  if (!canary || !main) {
    throw new ApiError('bad_request', `${what} is not part of an NGINX canary pair (an Ingress annotated nginx.ingress.kubernetes.io/canary: "true" and the main Ingress for the same host).`, 'target');
  }
  const stable = ingressBackend(main.spec);
  const canaryBackend = ingressBackend(canary.spec);
  if (!stable || !canaryBackend) throw new ApiError('bad_request', `The canary pair ${main.metadata.name} + ${canary.metadata.name} does not name a Service on both sides.`, 'target');
  const weights = canaryWeights(canary.metadata.annotations);
  return {
    path: `${ingressesPath(namespace)}/${enc(canary.metadata.name)}`,
    object: canary,
    backends: canaryPairBackends(stable, canaryBackend, weights),
    stable: stable.service,
    pair: { total: weights.total, main, canary },
    rule: 0,
  };
}

/** The new split, from the weights asked for (a backend left out keeps its weight) or all to stable. */
export function proposedSplit(live: Pick<LiveSplit, 'backends' | 'stable' | 'pair'>, params: OperationParams<'traffic-split'>): SplitShare[] {
  let weights: number[];
  if (params.allToStable) {
    if (!live.stable) throw new ApiError('bad_request', 'Cannot tell which backend is stable.', 'params.allToStable');
    const full = live.pair?.total ?? 100;
    weights = live.backends.map((b) => (b.service === live.stable ? full : 0));
  } else {
    const asked = new Map<string, number>();
    for (const w of params.weights ?? []) {
      if (!live.backends.some((b) => b.service === w.service)) {
        throw new ApiError('bad_request', `${w.service} is not a backend of this route (backends: ${live.backends.map((b) => b.service).join(', ')}).`, 'params.weights');
      }
      if (asked.has(w.service)) throw new ApiError('bad_request', `${w.service} is named twice.`, 'params.weights');
      asked.set(w.service, w.weight);
    }
    weights = live.backends.map((b) => asked.get(b.service) ?? b.weight);
    if (live.pair) {
      // A canary pair has one knob, the canary's weight; the stable side is the rest of the total.
      const stableAsked = asked.get(live.backends[0]!.service);
      const canary = asked.get(live.backends[1]!.service) ?? (stableAsked !== undefined ? live.pair.total - stableAsked : live.backends[1]!.weight);
      weights = [stableAsked ?? live.pair.total - canary, canary];
    }
  }
  const problem = weightsProblem(weights, live.pair?.total);
  if (problem) throw new ApiError('bad_request', problem, 'params.weights');
  if (live.pair) return canaryPairBackends(live.backends[0]!, live.backends[1]!, { weight: weights[1]!, total: live.pair.total });
  return sharesOf(live.backends.map((b, i) => ({ ...b, weight: weights[i]! })));
}

function patchFor(live: LiveSplit, next: SplitShare[]): Pick<TrafficAction, 'path' | 'patchType' | 'patch'> {
  if (live.pair) {
    return { path: live.path, patchType: 'merge', patch: { metadata: { annotations: { [CANARY_WEIGHT]: String(next[1]!.weight) } } } };
  }
  const refs = live.object.spec?.rules?.[live.rule]?.backendRefs ?? [];
  const ops: unknown[] = [];
  refs.forEach((ref, i) => {
    const to = next.find((n) => n.service === ref.name && (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service');
    if (!to) return;
    const at = `/spec/rules/${live.rule}/backendRefs/${i}`;
    ops.push({ op: 'test', path: `${at}/name`, value: ref.name }, { op: 'add', path: `${at}/weight`, value: to.weight });
  });
  return { path: live.path, patchType: 'json', patch: ops };
}

async function readBack(run: RunContext, action: TrafficAction): Promise<SplitShare[]> {
  if (action.readBack.kind === 'HTTPRoute') {
    const route = await readLive<RouteObject>(run.calls, action.path, describeTarget(run.target));
    return sharesOf(httpRouteRuleBackends(route.spec?.rules?.[action.readBack.rule]));
  }
  const canary = await readLive<RouteObject>(run.calls, action.path, `Ingress ${action.namespace}/${action.readBack.canary}`);
  const weights = canaryWeights(canary.metadata.annotations);
  return canaryPairBackends(action.expected[0]!, action.expected[1]!, weights);
}

async function readSignals(signals: BackendSignals | undefined, cluster: string, namespace: string, services: string[], mode: 'window' | 'latest'): Promise<BackendSignalReading | null> {
  if (!signals) return null;
  try {
    return await signals.read(cluster, namespace, services, mode);
  } catch {
    // Metrics are evidence for the plan, not a precondition: a failing Prometheus leaves the plan without them.
    return null;
  }
}

function signalWords(signal: BackendSignal | undefined): string {
  if (!signal) return '';
  const errors = signal.errorRatio === null ? 'no requests' : `${formatPercent(signal.errorRatio)} errors`;
  const latency = signal.p99Ms === null ? '' : `, p99 ${Math.round(signal.p99Ms)} ms`;
  return ` · ${signal.requestsPerSecond.toFixed(1)} req/s, ${errors}${latency}`;
}

function fingerprintOf(live: LiveSplit | null): string {
  if (!live) return 'missing';
  if (live.pair) return JSON.stringify(live.backends.map((b) => [b.service, b.weight]).concat([[live.pair.main.metadata.name, live.pair.total]]));
  return JSON.stringify(live.object.spec?.rules?.map((r) => httpRouteRuleBackends(r)) ?? []);
}
