import type { Change } from '../store.js';
import { rfc3339 } from '../time.js';
import type { Condition, Deployment, HorizontalPodAutoscaler, Pod, StatefulSet } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { isActive, isReady, podRequests, setCondition } from './pods.js';
import { selectorMatches } from '../selectors.js';
import { formatCpu } from '../quantity.js';

/**
 * The horizontal pod autoscaler on CPU utilisation, every 15 s like the controller's sync
 * period: desired = ceil(current × utilisation / target), within a 10 % tolerance, scale-down
 * held back by the stabilisation window.
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details
 */

const SYNC_PERIOD_MS = 15_000;
const TOLERANCE = 0.1;

const TARGET_RESOURCE: Record<string, string> = { Deployment: 'deployments.apps', StatefulSet: 'statefulsets.apps' };

export class HorizontalPodAutoscalerController implements Controller {
  private lastRun = 0;
  private readonly queue = new Set<string>();
  private readonly recommendations = new Map<string, { at: number; replicas: number }[]>();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'horizontalpodautoscalers.autoscaling' && change.type === 'ADDED') {
      this.queue.add(`${change.object.metadata.namespace}/${change.object.metadata.name}`);
    }
  }

  sync(now: number): boolean {
    const all = now - this.lastRun >= SYNC_PERIOD_MS;
    if (!all && this.queue.size === 0) return false;
    if (all) this.lastRun = now;
    let changed = false;
    for (const hpa of this.ctx.store.objects<HorizontalPodAutoscaler>('horizontalpodautoscalers.autoscaling')) {
      if (all || this.queue.has(`${hpa.metadata.namespace}/${hpa.metadata.name}`)) changed = this.reconcile(hpa, now) || changed;
    }
    this.queue.clear();
    return changed;
  }

  private reconcile(hpa: HorizontalPodAutoscaler, now: number): boolean {
    const { store, events } = this.ctx;
    const key = `${hpa.metadata.namespace}/${hpa.metadata.name}`;
    const ref = hpa.spec.scaleTargetRef;
    const resource = TARGET_RESOURCE[ref.kind];
    const target = resource ? store.get<Deployment | StatefulSet>(resource, hpa.metadata.namespace, ref.name) : undefined;
    let conditions: Condition[] = hpa.status.conditions ?? [];
    if (!target || !resource) {
      conditions = setCondition(conditions, { type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${ref.kind.toLowerCase()}s.apps "${ref.name}" not found` }, now);
      store.mutate<HorizontalPodAutoscaler>('horizontalpodautoscalers.autoscaling', hpa.metadata.namespace, hpa.metadata.name, (h) => {
        h.status = { ...h.status, conditions };
      });
      return false;
    }
    const current = target.spec.replicas ?? 1;
    const pods = store.objects<Pod>('pods', hpa.metadata.namespace).filter((p) => isActive(p) && isReady(p) && selectorMatches(target.spec.selector, p.metadata.labels));
    const metric = hpa.spec.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    const targetUtilization = metric?.resource?.target.averageUtilization ?? 80;
    let usage = 0;
    let requests = 0;
    for (const p of pods) {
      usage += this.ctx.podCpuMilli(p);
      requests += podRequests(p.spec).cpu;
    }
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    let desired = current;
    let utilization: number | undefined;
    if (requests > 0 && pods.length > 0) {
      utilization = Math.round((usage / requests) * 100);
      const ratio = utilization / targetUtilization;
      if (Math.abs(ratio - 1) > TOLERANCE) desired = Math.ceil(pods.length * ratio);
    }
    const unclamped = desired;
    desired = Math.min(max, Math.max(min, desired));
    // Scale-down stabilisation: act on the highest recommendation within the window.
    const window = (hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300) * 1000;
    // A controller that just started has seen no recommendations; count the current size as one, so a restart does not scale down at once.
    const history = (this.recommendations.get(key) ?? [{ at: now, replicas: current }]).filter((r) => r.at > now - window);
    history.push({ at: now, replicas: desired });
    this.recommendations.set(key, history);
    if (desired < current) desired = Math.min(current, Math.max(...history.map((r) => r.replicas)));

    conditions = setCondition(conditions, { type: 'AbleToScale', status: 'True', reason: desired !== current ? 'SucceededRescale' : 'ReadyForNewScale', message: desired !== current ? 'the HPA controller was able to update the target scale' : 'recommended size matches current size' }, now);
    conditions = setCondition(
      conditions,
      utilization === undefined
        ? { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: did not receive metrics for targeted pods (pods might be unready)' }
        : { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
      now,
    );
    conditions = setCondition(
      conditions,
      unclamped > max
        ? { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' }
        : unclamped < min
          ? { type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' }
          : { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' },
      now,
    );
    let scaled = false;
    if (desired !== current) {
      store.mutate<Deployment | StatefulSet>(resource, hpa.metadata.namespace, ref.name, (t) => {
        t.spec.replicas = desired;
        t.metadata.generation = (t.metadata.generation ?? 1) + 1;
      });
      const reason = desired > current ? 'cpu resource utilization (percentage of request) above target' : 'All metrics below target';
      events.record(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${reason}`, 'horizontal-pod-autoscaler');
      scaled = true;
    }
    store.mutate<HorizontalPodAutoscaler>('horizontalpodautoscalers.autoscaling', hpa.metadata.namespace, hpa.metadata.name, (h) => {
      h.status = {
        ...h.status,
        observedGeneration: h.metadata.generation ?? 1,
        currentReplicas: current,
        desiredReplicas: desired,
        ...(scaled ? { lastScaleTime: rfc3339(now) } : {}),
        currentMetrics:
          utilization === undefined
            ? null
            : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: utilization, averageValue: formatCpu(pods.length ? usage / pods.length : 0) } } }],
        conditions,
      };
    });
    return scaled;
  }
}
