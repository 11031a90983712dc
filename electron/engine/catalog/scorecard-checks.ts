import type { Entity } from '../../../shared/estate/model.js';
import type { CatalogService, CatalogWorkload, Evidence, OfferedFix, RuleResult, Scorecard } from '../../../shared/api/catalog.js';
import type { RunbookSummary } from '../../../shared/api/runbooks.js';
import { LabelSelectorSyntaxError, parseLabelSelector, requirementsMatch } from '../../../shared/estate/label-selector.js';
import type { EstateReader } from '../state/estate-reader.js';
import type { CheckName, Rule, RuleSet } from './scorecard-rules.js';

/**
 * Each check a rules file may name, evaluated from the live estate. A check looks at every
 * workload of the service (in every cluster) and fails when one of them fails, naming the
 * object and field as evidence and what to change; where an operation changes exactly that
 * field (scale, an HPA's range), it offers the operation, which the renderer plans through
 * operations.plan like any other.
 */

export interface CheckContext {
  reader: EstateReader;
  runbooks: () => readonly RunbookSummary[];
  /**
   * How many times each entity's Kubernetes events of this reason occurred since an epoch ms
   * (the event store keeps them past their TTL); entities with none are absent.
   */
  kubeReasonCounts: (reason: string, since: number) => ReadonlyMap<string, number>;
  now: number;
}

const DAY_MS = 24 * 3600_000;

/** The kubelet's event for each restart it delayed ("Back-off restarting failed container"). */
const BACK_OFF = 'BackOff';
/** The Kubernetes event reasons the checks count (kubeReasonCounts): an event of another reason changes no card. */
export const countedKubeEventReasons: ReadonlySet<string> = new Set([BACK_OFF]);

type Outcome = Omit<RuleResult, 'ruleId' | 'title' | 'level'>;

const pass = (message: string, evidence: Evidence[] = []): Outcome => ({ status: 'pass', message, evidence, change: null, fix: null });
const notApplicable = (message: string): Outcome => ({ status: 'not-applicable', message, evidence: [], change: null, fix: null });
const fail = (message: string, evidence: Evidence[], change: string, fix: OfferedFix | null = null): Outcome => ({ status: 'fail', message, evidence, change, fix });

type Check = (service: CatalogService, rule: Rule, ctx: CheckContext) => Outcome;

/**
 * Workloads with a pod template we can read, as estate entities beside their catalog rows; found
 * once per evaluation of its service. Every check asks, the runbook check once per runbook it
 * weighs, and the estate makes each entity anew when read: at 50,000 pods these reads were a
 * fifth of a pass.
 */
const workloadsSeen = new WeakMap<CheckContext, Map<string, { row: CatalogWorkload; entity: Entity }[]>>();

function workloadsOf(service: CatalogService, ctx: CheckContext): { row: CatalogWorkload; entity: Entity }[] {
  let seen = workloadsSeen.get(ctx);
  if (!seen) workloadsSeen.set(ctx, (seen = new Map()));
  let workloads = seen.get(service.id);
  if (!workloads) {
    workloads = service.workloads.flatMap((row) => {
      const entity = ctx.reader.get(row.id);
      return entity ? [{ row, entity }] : [];
    });
    seen.set(service.id, workloads);
  }
  return workloads;
}

/**
 * The zone of the node a pod runs on, looked up once per node in an evaluation: a node holds a
 * hundred pods and more, and following each pod's runs-on relation to its node was a fifth of a
 * pass at 50,000 pods. The relation is made from the pod's nodeName in its cluster (its source),
 * so pods that share both share the node. A pod whose relation is not there yet remembers nothing.
 */
const zonesSeen = new WeakMap<CheckContext, Map<string, string | null>>();

function zoneOf(pod: Entity, ctx: CheckContext): string | null {
  let seen = zonesSeen.get(ctx);
  if (!seen) zonesSeen.set(ctx, (seen = new Map()));
  const key = `${pod.sourceId}\u0000${String(pod.status['nodeName'])}`;
  const known = seen.get(key);
  if (known !== undefined) return known;
  const node = ctx.reader.related(pod.id, 'runs-on', 'out')[0];
  if (!node) return null;
  const zone = typeof node.status['zone'] === 'string' ? node.status['zone'] : null;
  seen.set(key, zone);
  return zone;
}

/** A workload's pods, found once per evaluation of its service: several checks read them. */
const podsSeen = new WeakMap<CheckContext, Map<string, Entity[]>>();

function podsOf(entity: Entity, ctx: CheckContext): Entity[] {
  let seen = podsSeen.get(ctx);
  if (!seen) podsSeen.set(ctx, (seen = new Map()));
  let pods = seen.get(entity.id);
  if (!pods) {
    const reader = ctx.reader;
    pods = [];
    for (const id of reader.withDescendants([entity.id], 5000)) {
      const e = reader.get(id);
      if (e?.kind === 'pod') pods.push(e);
    }
    seen.set(entity.id, pods);
  }
  return pods;
}

const containerField = (container: string, field: string) => `spec.template.spec.containers[name=${container}].${field}`;

/** A template fact check: status field names the first container lacking it, '' when none does. */
function templateCheck(statusKey: string, field: string, what: string): Check {
  return (service, _rule, ctx) => {
    const evidence: Evidence[] = [];
    let unknown = 0;
    for (const { entity } of workloadsOf(service, ctx)) {
      const lacking = entity.status[statusKey];
      if (typeof lacking !== 'string') unknown += 1;
      else if (lacking !== '') evidence.push({ object: entity.id, field: containerField(lacking, field), value: '(not set)' });
    }
    if (evidence.length > 0) return fail(`${evidence.length} workload(s) have a container without ${what}.`, evidence, `Set ${field} on every container of the pod template (${evidence.map((e) => e.field).join('; ')}).`);
    if (unknown > 0 && unknown === service.workloads.length) return notApplicable(`Not known yet: the pod templates have not been read since Daytwo learned to look for ${what}.`);
    return pass(`Every container has ${what}.`);
  };
}

/** A tag that is missing or "latest" moves under you: the same spec runs different code tomorrow. */
export function unpinnedImage(image: string): string | null {
  if (image.includes('@sha256:')) return null;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  if (colon < 0) return 'untagged';
  return lastPart.slice(colon + 1) === 'latest' ? 'latest' : null;
}

const checks: Record<CheckName, Check> = {
  'owner-on-call': (service) => {
    const evidence: Evidence[] = [];
    const where = service.declared?.file ?? service.workloads[0]?.id ?? service.id;
    if (!service.owner) evidence.push({ object: where, field: service.declared ? 'spec.owner' : 'metadata.labels.team', value: '(not set)' });
    if (!service.onCall) evidence.push({ object: where, field: 'metadata.annotations["pagerduty.com/service-id"]', value: '(not set)' });
    if (evidence.length > 0) {
      return fail(
        [!service.owner ? 'No owner is known' : null, !service.onCall ? 'no on-call (PagerDuty) service is known' : null].filter(Boolean).join('; ') + '.',
        evidence,
        'Declare the component in a catalog-info.yaml with spec.owner and the pagerduty.com/service-id annotation, or label the workloads with team.',
      );
    }
    return pass(`Owned by ${service.owner}; on call: PagerDuty ${service.onCall}.`, [{ object: where, field: 'owner', value: service.owner ?? '' }]);
  },

  'min-replicas': (service, rule, ctx) => {
    const min = Number(rule.params['min'] ?? 2);
    const evidence: Evidence[] = [];
    let fix: OfferedFix | null = null;
    let change = '';
    let applicable = 0;
    for (const { row, entity } of workloadsOf(service, ctx)) {
      if (!row.production || entity.kind === 'daemonset' || row.replicas === null) continue;
      applicable += 1;
      const hpa = ctx.reader.related(entity.id, 'selects', 'in').find((e) => e.kind === 'hpa');
      const hpaMin = hpa && typeof hpa.status['minReplicas'] === 'number' ? hpa.status['minReplicas'] : null;
      if (hpa && hpaMin !== null) {
        // With an autoscaler, spec.replicas is the HPA's to set: the floor is its minReplicas.
        if (hpaMin >= min) continue;
        const max = typeof hpa.status['maxReplicas'] === 'number' ? hpa.status['maxReplicas'] : min;
        evidence.push({ object: hpa.id, field: 'spec.minReplicas', value: String(hpaMin) });
        change = `Raise ${hpa.name}'s spec.minReplicas to ${min}.`;
        fix ??= { kind: 'hpa-range', target: hpa.id, params: { minReplicas: min, maxReplicas: Math.max(max, min) }, title: `Set ${hpa.name}'s range to ${min}–${Math.max(max, min)}` };
        continue;
      }
      if (row.replicas >= min) continue;
      evidence.push({ object: entity.id, field: 'spec.replicas', value: String(row.replicas) });
      change = `Set spec.replicas of ${entity.name} to ${min} (and in the manifest it is deployed from).`;
      fix ??= { kind: 'scale', target: entity.id, params: { replicas: min }, title: `Scale ${entity.name} in ${row.cluster} to ${min}` };
    }
    if (applicable === 0) return notApplicable('No workload of this service runs in a production context (Settings → production patterns).');
    if (evidence.length > 0) return fail(`${evidence.length} production workload(s) run fewer than ${min} replicas: one node drain or crash and the service is down.`, evidence, change, fix);
    return pass(`Every production workload runs at least ${min} replicas.`);
  },

  'resource-requests': (service, rule, ctx) => {
    const cpu = templateCheck('withoutCpuRequest', 'resources.requests.cpu', 'a CPU request')(service, rule, ctx);
    const memory = templateCheck('withoutMemoryRequest', 'resources.requests.memory', 'a memory request')(service, rule, ctx);
    if (cpu.status === 'fail' || memory.status === 'fail') {
      const failing = [cpu, memory].filter((o) => o.status === 'fail');
      return fail(failing.map((o) => o.message).join(' '), failing.flatMap((o) => o.evidence), failing.map((o) => o.change).join(' '));
    }
    return cpu.status === 'not-applicable' ? cpu : pass('Every container requests CPU and memory.');
  },
  'memory-limit': templateCheck('withoutMemoryLimit', 'resources.limits.memory', 'a memory limit'),
  'readiness-probe': templateCheck('withoutReadiness', 'readinessProbe', 'a readiness probe'),
  'liveness-probe': templateCheck('withoutLiveness', 'livenessProbe', 'a liveness probe'),

  'pinned-images': (service, _rule, ctx) => {
    const evidence: Evidence[] = [];
    for (const { entity } of workloadsOf(service, ctx)) {
      const images = typeof entity.status['images'] === 'string' ? entity.status['images'] : typeof entity.status['image'] === 'string' ? entity.status['image'] : '';
      for (const image of images.split(',').filter(Boolean)) {
        const problem = unpinnedImage(image);
        if (problem) evidence.push({ object: entity.id, field: 'spec.template.spec.containers[].image', value: image });
      }
    }
    if (evidence.length > 0) return fail(`${evidence.length} image(s) are untagged or :latest.`, evidence, 'Pin each image to a version tag or a digest (image@sha256:…).');
    return pass('Every image is pinned to a tag or digest.');
  },

  'rollout-succeeded': (service, _rule, ctx) => {
    const evidence: Evidence[] = [];
    for (const { entity } of workloadsOf(service, ctx)) {
      if (entity.kind !== 'deployment' && entity.kind !== 'statefulset') continue;
      if (/rollout stuck|ProgressDeadlineExceeded/i.test(entity.healthReason)) {
        evidence.push({ object: entity.id, field: 'status.conditions[type=Progressing]', value: entity.healthReason });
      }
    }
    if (evidence.length > 0) return fail('The last rollout did not complete.', evidence, 'Roll back to the previous revision, or fix the new revision and roll out again.');
    return pass('The last rollout of every workload completed.');
  },

  'no-crash-loops': (service, rule, ctx) => {
    const limit = Number(rule.params['restarts'] ?? 5);
    const evidence: Evidence[] = [];
    for (const { entity } of workloadsOf(service, ctx)) {
      const pods = podsOf(entity, ctx);
      const looping = new Set<string>();
      for (const pod of pods) {
        if (pod.status['reason'] !== 'CrashLoopBackOff') continue;
        looping.add(pod.id);
        evidence.push({ object: pod.id, field: 'status.containerStatuses[].state.waiting.reason', value: `CrashLoopBackOff, ${String(pod.status['restarts'] ?? 0)} restarts` });
      }
      // The kubelet's BackOff event ("Back-off restarting failed container") counts each restart
      // it delayed; the event store keeps them for pods that have since been replaced, too.
      const backOffs = ctx.kubeReasonCounts(BACK_OFF, ctx.now - DAY_MS);
      for (const id of new Set([entity.id, ...pods.map((p) => p.id)])) {
        const count = looping.has(id) ? undefined : backOffs.get(id);
        if (count !== undefined && count >= limit) evidence.push({ object: id, field: 'events reason=BackOff (last 24 h)', value: String(count) });
      }
    }
    if (evidence.length > 0) return fail(`${evidence.length} pod(s) crash-loop now or backed off ${limit}+ times in the last 24 h.`, evidence, "Read the pods' last logs (kubectl logs --previous) and fix the cause; a restart will not.");
    return pass('No pod crash-looped in the last 24 h.');
  },

  'pdb-allows-drain': (service, _rule, ctx) => {
    const evidence: Evidence[] = [];
    let applicable = 0;
    for (const { entity } of workloadsOf(service, ctx)) {
      if (entity.kind === 'daemonset') continue;
      applicable += 1;
      const pdbs = ctx.reader.related(entity.id, 'selects', 'in').filter((e) => e.kind === 'pdb');
      if (pdbs.length === 0) {
        evidence.push({ object: entity.id, field: 'PodDisruptionBudget selecting spec.template.metadata.labels', value: '(none)' });
        continue;
      }
      for (const pdb of pdbs) {
        if (pdb.status['disruptionsAllowed'] === 0) evidence.push({ object: pdb.id, field: 'status.disruptionsAllowed', value: '0' });
      }
    }
    if (applicable === 0) return notApplicable('DaemonSets are not protected by PodDisruptionBudgets during drains.');
    if (evidence.length > 0) return fail('A drain would either take every replica down (no PDB) or block forever (a PDB that allows no disruption).', evidence, 'Add a PodDisruptionBudget with maxUnavailable: 1 (or a minAvailable below the replica count).');
    return pass('Every workload has a PodDisruptionBudget that allows a disruption now.');
  },

  spread: (service, _rule, ctx) => {
    const evidence: Evidence[] = [];
    let applicable = 0;
    for (const { entity } of workloadsOf(service, ctx)) {
      if (entity.kind === 'daemonset') continue;
      const pods = podsOf(entity, ctx).filter((p) => p.status['nodeName']);
      if (pods.length < 2) continue;
      applicable += 1;
      const nodes = new Set(pods.map((p) => String(p.status['nodeName'])));
      const zones = new Set(pods.map((p) => zoneOf(p, ctx)));
      if (nodes.size === 1) evidence.push({ object: entity.id, field: 'pods spec.nodeName', value: [...nodes][0] ?? '' });
      else if (zones.size === 1 && !zones.has(null)) evidence.push({ object: entity.id, field: 'nodes topology.kubernetes.io/zone', value: String([...zones][0]) });
    }
    if (applicable === 0) return notApplicable('No workload runs two or more scheduled pods.');
    if (evidence.length > 0) return fail('Every replica of a workload is on one node or in one zone: one failure takes it all.', evidence, 'Add topologySpreadConstraints (topology.kubernetes.io/zone and kubernetes.io/hostname) to the pod template.');
    return pass('Replicas are spread over nodes and zones.');
  },

  runbook: (service, _rule, ctx) => {
    if (service.runbooks.length > 0) return pass(`Linked: ${service.runbooks.map((r) => r.title).join(', ')}.`, service.runbooks.map((r) => ({ object: service.declared?.file ?? service.id, field: 'metadata.links', value: r.url })));
    const answering = ctx.runbooks().filter((runbook) =>
      runbook.answers.entities.some((want) =>
        workloadsOf(service, ctx).some(({ entity }) => want.kind.toLowerCase() === entity.kind && selectorHolds(want.selector, entity.labels)),
      ),
    );
    if (answering.length > 0) return pass(`Runbooks that answer this service: ${answering.map((r) => r.title).join(', ')}.`);
    return fail('No runbook is linked, and none in the runbook folders answers this service\'s workloads.', [{ object: service.declared?.file ?? service.id, field: 'metadata.links (type: runbook)', value: '(none)' }], 'Link one from catalog-info.yaml (metadata.links with type runbook), or add a runbook whose answers.entities select these workloads.');
  },

  alert: (service, _rule, ctx) => {
    const watched = new Set<string>();
    for (const { entity } of workloadsOf(service, ctx)) {
      const front = ctx.reader.related(entity.id, 'selects', 'in').filter((e) => e.kind === 'service');
      const edges = [entity, ...front, ...front.flatMap((s) => ctx.reader.related(s.id, 'routes-to', 'in'))];
      for (const edge of [...edges, ...edges.flatMap((e) => ctx.reader.related(e.id, 'routes-to', 'in'))]) {
        for (const alarm of ctx.reader.related(edge.id, 'alarms-on', 'in')) watched.add(alarm.id);
      }
    }
    if (watched.size > 0) return pass(`Watched by ${watched.size} alarm(s).`, [...watched].slice(0, 5).map((id) => ({ object: id, field: 'alarms-on', value: 'set' })));
    // Prometheus alerting rules that are not firing are not in the estate; only alarms linked to these objects count.
    return fail('No alarm watches this service or the load balancer in front of it.', [{ object: service.workloads[0]?.id ?? service.id, field: 'alarms-on', value: '(none)' }], 'Add an alert on the error ratio and the latency of this service (a PrometheusRule, or a CloudWatch alarm on its load balancer).');
  },

  hpa: (service, rule, ctx) => {
    const components = (rule.params['components'] as string[] | undefined) ?? [];
    if (!service.tier || !components.includes(service.tier)) return notApplicable(`Its component (${service.tier ?? 'unknown'}) is not one whose traffic varies (${components.join(', ')}).`);
    const evidence: Evidence[] = [];
    let fix: OfferedFix | null = null;
    for (const { row, entity } of workloadsOf(service, ctx)) {
      if (entity.kind === 'daemonset') continue;
      const hpa = ctx.reader.related(entity.id, 'selects', 'in').find((e) => e.kind === 'hpa');
      if (!hpa) {
        evidence.push({ object: entity.id, field: 'HorizontalPodAutoscaler with scaleTargetRef', value: '(none)' });
        continue;
      }
      const min = hpa.status['minReplicas'];
      const max = hpa.status['maxReplicas'];
      if (typeof min === 'number' && typeof max === 'number' && max <= min) {
        evidence.push({ object: hpa.id, field: 'spec.maxReplicas', value: `${max} (min ${min})` });
        fix ??= { kind: 'hpa-range', target: hpa.id, params: { minReplicas: min, maxReplicas: Math.max(min * 2, min + 1) }, title: `Let ${hpa.name} scale in ${row.cluster}` };
      }
    }
    if (evidence.length > 0) return fail('Traffic to this service varies, and a workload cannot scale with it.', evidence, 'Add a HorizontalPodAutoscaler (or widen its range) for each workload.', fix);
    return pass('Every workload has an autoscaler with room to scale.');
  },
};

function selectorHolds(selector: string, labels: Readonly<Record<string, string>>): boolean {
  try {
    return requirementsMatch(labels, parseLabelSelector(selector));
  } catch (error) {
    if (error instanceof LabelSelectorSyntaxError) return false;
    throw error;
  }
}

/**
 * A service's card, a rule per step, for a caller that shares the event loop (the catalog's
 * sliced pass): at 50,000 pods one service's rules read a thousand pods and more, and a whole
 * card in one step held the engine for 100-300 ms, slices of 15 ms or not.
 */
export function* evaluateServiceInSteps(service: CatalogService, rules: RuleSet, ctx: CheckContext): Generator<void, Scorecard, void> {
  const results: RuleResult[] = [];
  for (const rule of rules.rules) {
    if (results.length > 0) yield;
    let outcome: Outcome;
    try {
      outcome = checks[rule.check](service, rule, ctx);
    } catch (error) {
      // One check that trips on an odd object must not take the scorecard down with it.
      outcome = notApplicable(`This check failed to run: ${(error as Error).message}`);
    }
    results.push({ ruleId: rule.id, title: rule.title, level: rule.level, ...outcome });
  }
  return { service: service.id, level: levelOf(results, rules.levels), results, evaluatedAt: ctx.now, stale: false };
}

/** The highest level such that no rule of it or any level below fails (OpsLevel's rubric). */
export function levelOf(results: readonly Pick<RuleResult, 'level' | 'status'>[], levels: readonly string[]): string | null {
  let reached: string | null = null;
  for (const level of levels) {
    if (results.some((r) => r.level === level && r.status === 'fail')) break;
    reached = level;
  }
  return reached;
}
