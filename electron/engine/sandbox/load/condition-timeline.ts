import type { ServiceCondition } from './service-load.js';

/**
 * What each service's pods and injected faults looked like since the sandbox started, kept as
 * change points only, so any past instant can be answered (CloudWatch history, alarm
 * evaluation) with memory proportional to how often things changed, not to uptime.
 */
export class ConditionTimeline {
  private readonly times = new Map<string, number[]>();
  private readonly conditions = new Map<string, ServiceCondition[]>();

  /** Records `condition` from `at` on, if it differs from the last one recorded. */
  record(serviceId: string, at: number, condition: ServiceCondition): void {
    let times = this.times.get(serviceId);
    let conditions = this.conditions.get(serviceId);
    if (!times || !conditions) {
      times = [];
      conditions = [];
      this.times.set(serviceId, times);
      this.conditions.set(serviceId, conditions);
    }
    const last = conditions[conditions.length - 1];
    if (last && sameCondition(last, condition)) return;
    const lastAt = times[times.length - 1];
    if (lastAt !== undefined && lastAt >= at) {
      // Two changes in one instant: the later one wins.
      conditions[conditions.length - 1] = { ...condition };
      return;
    }
    times.push(at);
    conditions.push({ ...condition });
  }

  /** The condition in force at `t`, or undefined before the first record. */
  at(serviceId: string, t: number): ServiceCondition | undefined {
    const times = this.times.get(serviceId);
    const conditions = this.conditions.get(serviceId);
    if (!times || !conditions || times.length === 0 || (times[0] as number) > t) return undefined;
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((times[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return conditions[lo];
  }

  first(serviceId: string): ServiceCondition | undefined {
    return this.conditions.get(serviceId)?.[0];
  }

  latest(serviceId: string): ServiceCondition | undefined {
    const conditions = this.conditions.get(serviceId);
    return conditions?.[conditions.length - 1];
  }
}

function sameCondition(a: ServiceCondition, b: ServiceCondition): boolean {
  return (
    a.desired === b.desired &&
    a.ready === b.ready &&
    a.crashing === b.crashing &&
    a.loadFactor === b.loadFactor &&
    a.capacityFactor === b.capacityFactor &&
    a.hung === b.hung &&
    a.hangMs === b.hangMs &&
    (a.erroring ?? 0) === (b.erroring ?? 0) &&
    (a.trafficShare ?? 1) === (b.trafficShare ?? 1) &&
    (a.extraErrorRatio ?? 0) === (b.extraErrorRatio ?? 0) &&
    (a.latencyFactor ?? 1) === (b.latencyFactor ?? 1)
  );
}
