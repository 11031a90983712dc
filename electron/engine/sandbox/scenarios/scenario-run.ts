import type { AlarmBook } from '../cloudwatch/alarms.js';
import type { EstateLoad } from '../load/estate-load.js';
import type { HorizontalPodAutoscaler } from '../kube/types.js';
import type { SandboxWorld, ServiceSpec, WorkloadResources } from '../world.js';
import type { RecoveryConditions, ScenarioDefinition, ScenarioStep } from './scenario-file.js';

export type RunStatus = 'running' | 'recovered' | 'stopped';

export interface ConditionCheck {
  name: keyof RecoveryConditions;
  met: boolean;
  detail: string;
}

export interface RunReport {
  status: RunStatus;
  target: string;
  /** Where the target runs, as its Deployment is named in its cluster. */
  targetRef: { cluster: string; namespace: string; name: string };
  node: string | null;
  /** The image the target ran before a bad deploy: what rolling back returns to. */
  originalImage: string | null;
  startedAt: string;
  stepsApplied: number;
  impactSeenAt: string | null;
  /** When the recovery conditions last started holding (after the impact); null while they do not. */
  holdingSince: string | null;
  recoveredAt: string | null;
  recovery: { reached: boolean; conditions: ConditionCheck[] };
}

interface Context {
  world: SandboxWorld;
  load: EstateLoad;
  alarms: AlarmBook;
}

/**
 * One scenario playing out: applies its steps as simulated time reaches them, watches the
 * recovery conditions, and records when the impact showed and when the estate recovered.
 * Recovery counts only after impact was seen, so a fault that has not bitten yet is not
 * mistaken for one already fixed.
 */
export class ScenarioRun {
  status: RunStatus = 'running';
  readonly startedAt: number;
  private applied = 0;
  private node: { cluster: string; name: string } | null = null;
  private originalImage: string | null = null;
  /** What a memory-limit change or a scale-up replaced: stop puts it back. */
  private originalResources: WorkloadResources | null = null;
  private originalReplicas: number | null = null;
  private impactSeenAt: number | null = null;
  private holdingSince: number | null = null;
  private recoveredAt: number | null = null;
  private checks: ConditionCheck[] = [];
  private heldBudget = false;
  private draining = false;
  private originalVersion: string | null = null;
  private newKubelet: string | null = null;

  constructor(
    readonly definition: ScenarioDefinition,
    readonly target: ServiceSpec,
    private readonly ctx: Context,
  ) {
    this.startedAt = ctx.world.now();
    this.tick(this.startedAt);
  }

  tick(now: number): void {
    if (this.status === 'stopped') return;
    const steps = this.definition.steps;
    while (this.applied < steps.length && this.startedAt + (steps[this.applied] as ScenarioStep).after <= now) {
      this.apply(steps[this.applied] as ScenarioStep);
      this.applied++;
    }
    this.checks = this.evaluate();
    if (this.status !== 'running') return;
    const allMet = this.checks.every((c) => c.met);
    if (!allMet) {
      this.impactSeenAt ??= now;
      this.holdingSince = null;
      return;
    }
    if (this.impactSeenAt === null) return;
    this.holdingSince ??= now;
    if (now - this.holdingSince >= this.definition.recovery.holdFor) {
      this.status = 'recovered';
      this.recoveredAt = now;
    }
  }

  /** Undoes everything the scenario injected, the bad image included. */
  stop(): void {
    if (this.status === 'stopped') return;
    this.restore();
    if (this.originalImage) this.ctx.world.setImage(this.target.id, this.originalImage);
    if (this.originalResources) this.ctx.world.setMemory(this.target.id, { requestMi: this.originalResources.memoryRequestMi, limitMi: this.originalResources.memoryLimitMi });
    if (this.originalReplicas !== null) this.ctx.world.setReplicas(this.target.id, this.originalReplicas);
    this.status = 'stopped';
  }

  report(): RunReport {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      status: this.status,
      target: this.target.id,
      targetRef: { cluster: this.target.cluster, namespace: this.target.namespace, name: this.target.name },
      node: this.node ? `${this.node.cluster}/${this.node.name}` : null,
      originalImage: this.originalImage,
      startedAt: new Date(this.startedAt).toISOString(),
      stepsApplied: this.applied,
      impactSeenAt: iso(this.impactSeenAt),
      holdingSince: iso(this.holdingSince),
      recoveredAt: iso(this.recoveredAt),
      recovery: { reached: this.recoveredAt !== null, conditions: this.checks },
    };
  }

  private apply(step: ScenarioStep): void {
    const { world, load } = this.ctx;
    switch (step.action) {
      case 'set-image': {
        this.originalImage ??= this.currentImage();
        const image = expandImage(step.image, this.originalImage ?? `${this.target.name}:latest`);
        if (step.behaviour !== 'unpublished') world.publishImage(image, step.behaviour);
        world.setImage(this.target.id, image);
        break;
      }
      case 'load':
        load.setEffects(this.target.id, { loadFactor: step.factor });
        break;
      case 'saturate':
        load.setEffects(this.target.id, { capacityFactor: step.capacity });
        break;
      case 'node-not-ready': {
        this.node ??= this.busiestNode();
        if (this.node) world.setNodeReady(this.node.cluster, this.node.name, false);
        break;
      }
      case 'node-ready':
        if (this.node) world.setNodeReady(this.node.cluster, this.node.name, true);
        break;
      case 'restore':
        this.restore();
        break;
      case 'set-memory-limit': {
        this.originalResources ??= world.workloadResources(this.target.id);
        const before = this.originalResources;
        const limitMi = Math.max(16, Math.round((before.memoryLimitMi ?? before.memoryRequestMi) * step.factor));
        // The API server refuses a request above the limit, so the request comes down with it.
        world.setMemory(this.target.id, { requestMi: Math.min(before.memoryRequestMi, limitMi), limitMi });
        break;
      }
      case 'scale-beyond-capacity': {
        const desired = world.replicas(this.target.id).desired;
        this.originalReplicas ??= desired;
        world.setReplicas(this.target.id, desired + world.roomFor(this.target.id) + step.pending);
        break;
      }
      case 'hang-connections':
        load.setEffects(this.target.id, { hangMs: step.delay, hangSince: world.now() });
        break;
      case 'hold-disruptions':
        world.holdDisruptions(this.target.id);
        this.heldBudget = true;
        break;
      case 'upgrade-control-plane':
        this.originalVersion ??= world.controlPlaneVersion?.(this.target.cluster) ?? null;
        world.setControlPlaneVersion(this.target.cluster, step.gitVersion);
        break;
      case 'add-node-group':
        this.newKubelet = step.kubeletVersion;
        world.addNodes(this.target.cluster, { nodegroup: step.name, kubeletVersion: step.kubeletVersion, count: step.count });
        break;
      case 'maintenance-drain': {
        this.node ??= this.busiestNode();
        if (this.node) {
          world.startMaintenanceDrain(this.node.cluster, this.node.name);
          this.draining = true;
        }
        break;
      }
    }
  }

  private restore(): void {
    this.ctx.load.setEffects(this.target.id, { loadFactor: 1, capacityFactor: 1, hangMs: 0 });
    if (this.node) this.ctx.world.setNodeReady(this.node.cluster, this.node.name, true);
    if (this.heldBudget) this.ctx.world.releaseDisruptions(this.target.id);
    this.heldBudget = false;
    // Calling the maintenance off puts the node back in service.
    if (this.draining && this.node) this.ctx.world.stopMaintenanceDrain(this.node.cluster, this.node.name, true);
    this.draining = false;
    // The replacement nodes stay (they hurt nothing); the control plane says its old version again.
    if (this.originalVersion) this.ctx.world.setControlPlaneVersion(this.target.cluster, this.originalVersion);
    this.originalVersion = null;
  }

  /** The image most of the target's pods run. */
  private currentImage(): string | null {
    const counts = new Map<string, number>();
    for (const pod of this.ctx.world.pods()) {
      if (pod.serviceId === this.target.id && !pod.crashing) counts.set(pod.image, (counts.get(pod.image) ?? 0) + 1);
    }
    let best: string | null = null;
    let most = 0;
    for (const [image, n] of counts) {
      if (n > most || (n === most && best !== null && image < best)) {
        best = image;
        most = n;
      }
    }
    return best;
  }

  /** The Ready node running most of the target's pods (ties by name): the failure that hurts. */
  private busiestNode(): { cluster: string; name: string } | null {
    const ready = new Set<string>();
    for (const node of this.ctx.world.nodes()) if (node.cluster === this.target.cluster && node.ready) ready.add(node.name);
    const counts = new Map<string, number>();
    for (const pod of this.ctx.world.pods()) {
      if (pod.serviceId === this.target.id && pod.node && ready.has(pod.node)) counts.set(pod.node, (counts.get(pod.node) ?? 0) + 1);
    }
    const ranked = [...(counts.size > 0 ? counts : new Map([...ready].map((n) => [n, 0])))].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const name = ranked[0]?.[0];
    return name ? { cluster: this.target.cluster, name } : null;
  }

  private evaluate(): ConditionCheck[] {
    const { world, load, alarms } = this.ctx;
    const when = this.definition.recovery.when;
    const now = world.now();
    const id = this.target.id;
    const current = load.serviceAt(id, now);
    const checks: ConditionCheck[] = [];
    const fmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1000) / 1000) : String(v));
    if (when.targetReady) {
      const r = world.replicas(id);
      const crashing = load.timeline.latest(id)?.crashing ?? 0;
      checks.push({ name: 'targetReady', met: r.ready >= r.desired && crashing === 0, detail: `${r.ready}/${r.desired} ready, ${crashing} crash-looping` });
    }
    if (when.errorRatioBelow !== undefined) {
      const v = current?.errorRatio ?? 1;
      checks.push({ name: 'errorRatioBelow', met: v < when.errorRatioBelow, detail: `error ratio ${fmt(v)} (limit ${when.errorRatioBelow})` });
    }
    if (when.latencyP99BelowBaseline !== undefined) {
      const baseline = load.serviceAt(id, load.startedAt - 86_400_000)?.p99Ms ?? Infinity;
      const v = current?.p99Ms ?? Infinity;
      const limit = baseline * when.latencyP99BelowBaseline;
      checks.push({ name: 'latencyP99BelowBaseline', met: v < limit, detail: `p99 ${fmt(v)} ms (limit ${fmt(limit)} ms)` });
    }
    if (when.cpuUtilizationBelow !== undefined) {
      const u = current?.utilization ?? Infinity;
      const cpu = Number.isFinite(u) ? 0.05 + 0.95 * u : Infinity;
      checks.push({ name: 'cpuUtilizationBelow', met: cpu < when.cpuUtilizationBelow, detail: `CPU ${fmt(cpu)} of request (limit ${when.cpuUtilizationBelow})` });
    }
    if (when.clusterNodesReady) {
      let notReady = 0;
      for (const node of world.nodes()) if (node.cluster === this.target.cluster && !node.ready) notReady++;
      checks.push({ name: 'clusterNodesReady', met: notReady === 0, detail: `${notReady} node(s) NotReady in ${this.target.cluster}` });
    }
    if (when.noOomKills || when.noPendingPods) {
      let oom = 0;
      let pending = 0;
      for (const pod of world.pods()) {
        if (pod.serviceId !== id || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
        if (pod.oomKilled) oom++;
        if (pod.phase === 'Pending' && pod.node === null) pending++;
      }
      if (when.noOomKills) checks.push({ name: 'noOomKills', met: oom === 0, detail: `${oom} pod(s) last terminated OOMKilled` });
      if (when.noPendingPods) checks.push({ name: 'noPendingPods', met: pending === 0, detail: `${pending} pod(s) Pending, unscheduled` });
    }
    if (when.hpaBelowMax) {
      const hpa = world
        .objects(this.target.cluster, 'horizontalpodautoscalers.autoscaling')
        .find((h) => h.metadata.namespace === this.target.namespace && (h as HorizontalPodAutoscaler).spec.scaleTargetRef.name === this.target.name) as HorizontalPodAutoscaler | undefined;
      const current = hpa?.status.currentReplicas ?? 0;
      const max = hpa?.spec.maxReplicas ?? 0;
      const limited = hpa?.status.conditions?.some((c) => c.type === 'ScalingLimited' && c.status === 'True' && c.reason === 'TooManyReplicas') ?? false;
      checks.push({ name: 'hpaBelowMax', met: !!hpa && current < max && !limited, detail: hpa ? `${current}/${max} replicas${limited ? ', limited by maxReplicas' : ''}` : 'no HorizontalPodAutoscaler' });
    }
    if (when.callersLatencyP99BelowBaseline !== undefined) {
      const slow: string[] = [];
      for (const caller of load.callersOf(id)) {
        const baseline = load.serviceAt(caller, load.startedAt - 86_400_000)?.p99Ms ?? Infinity;
        const v = load.serviceAt(caller, now)?.p99Ms ?? Infinity;
        if (!(v < baseline * when.callersLatencyP99BelowBaseline)) slow.push(`${caller} p99 ${fmt(v)} ms (limit ${fmt(baseline * when.callersLatencyP99BelowBaseline)} ms)`);
      }
      checks.push({ name: 'callersLatencyP99BelowBaseline', met: slow.length === 0, detail: slow.length ? slow.join('; ') : `${load.callersOf(id).length} caller(s) within limit` });
    }
    if (when.nodeDrained) {
      const node = this.node;
      let left = 0;
      for (const pod of world.pods()) if (node && pod.serviceId === id && pod.node === node.name && pod.cluster === node.cluster && (pod.phase === 'Running' || pod.phase === 'Pending')) left++;
      checks.push({ name: 'nodeDrained', met: node !== null && left === 0, detail: node ? `${left} of the target's pods still on ${node.name}` : 'no node is being drained' });
    }
    if (when.oldNodesDrained) {
      const old = new Set<string>();
      for (const n of world.nodes()) if (n.cluster === this.target.cluster && !n.controlPlane && this.newKubelet !== null && n.kubeletVersion !== this.newKubelet) old.add(n.name);
      let left = 0;
      for (const pod of world.pods()) if (pod.cluster === this.target.cluster && pod.node && old.has(pod.node) && (pod.phase === 'Running' || pod.phase === 'Pending')) left++;
      checks.push({ name: 'oldNodesDrained', met: this.newKubelet !== null && left === 0, detail: `${left} service pod(s) on ${old.size} old node(s)` });
    }
    if (when.alarmsOk) {
      const firing = alarms.definitions.filter((d) => d.serviceId === id && alarms.state(d.name)?.value === 'ALARM').map((d) => d.name);
      checks.push({ name: 'alarmsOk', met: firing.length === 0, detail: firing.length ? `in ALARM: ${firing.join(', ')}` : 'all OK' });
    }
    return checks;
  }
}

/** `{image}`, `{repository}` and `{tag}` refer to the image the target ran before. */
export function expandImage(template: string, original: string): string {
  const at = original.lastIndexOf(':');
  const slash = original.lastIndexOf('/');
  const hasTag = at > slash;
  const repository = hasTag ? original.slice(0, at) : original;
  const tag = hasTag ? original.slice(at + 1) : 'latest';
  return template.replaceAll('{image}', original).replaceAll('{repository}', repository).replaceAll('{tag}', tag);
}
