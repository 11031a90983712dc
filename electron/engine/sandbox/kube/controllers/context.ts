import type { EventRecorder } from './events.js';
import type { ImageRegistry } from './images.js';
import type { Timers } from './timers.js';
import type { Change, ObjectStore } from '../store.js';
import type { Pod } from '../types.js';

/** What every controller of one cluster shares: its objects, its event recorder, its clock. */
export interface ControllerContext {
  cluster: string;
  store: ObjectStore;
  events: EventRecorder;
  timers: Timers;
  /** The registry the kubelet pulls from, shared by every cluster of the estate. */
  registry: ImageRegistry;
  now(): number;
  /** Usage the load model reports for a pod (metrics.k8s.io, HPA). */
  podCpuMilli(pod: Pod): number;
  podMemoryMi(pod: Pod): number;
}

/**
 * A control loop: it observes every committed change (as an informer would), queues the keys
 * it cares about, and reconciles them when the cluster ticks. sync returns true when it
 * changed something, so the tick can let other loops react within the same step.
 */
export interface Controller {
  observe(change: Change): void;
  sync(now: number): boolean;
}

/** A set of "namespace/name" keys to reconcile. */
export class WorkQueue {
  private keys = new Set<string>();

  add(namespace: string | undefined, name: string): void {
    this.keys.add(`${namespace ?? ''}/${name}`);
  }

  drain(): { namespace: string; name: string }[] {
    const out = [...this.keys].map((k) => {
      const i = k.indexOf('/');
      return { namespace: k.slice(0, i), name: k.slice(i + 1) };
    });
    this.keys = new Set();
    return out;
  }

  get size(): number {
    return this.keys.size;
  }
}
