import type { ClusterSpec } from '../world.js';
import type { SeededRandom } from '../world/random.js';
import type { Controller, ControllerContext } from './controllers/context.js';
import { DaemonSetController } from './controllers/daemonset.js';
import { DeploymentController } from './controllers/deployment.js';
import { DisruptionController } from './controllers/disruption.js';
import { EndpointsController } from './controllers/endpoints.js';
import { EventRecorder } from './controllers/events.js';
import { GarbageCollector } from './controllers/garbage-collector.js';
import { HorizontalPodAutoscalerController } from './controllers/hpa.js';
import type { ImageRegistry } from './controllers/images.js';
import { Kubelet } from './controllers/kubelet.js';
import { LoadBalancerController } from './controllers/load-balancer.js';
import { NodeLifecycleController } from './controllers/node-lifecycle.js';
import { ReplicaSetController } from './controllers/replicaset.js';
import { Scheduler } from './controllers/scheduler.js';
import { ServiceAccountController } from './controllers/service-accounts.js';
import { StatefulSetController } from './controllers/statefulset.js';
import { Timers } from './controllers/timers.js';
import { ObjectStore } from './store.js';
import type { Pod } from './types.js';
import { RESOURCES, resourceKey } from './resources.js';

const STORED_RESOURCES = [...new Set(RESOURCES.filter((r) => r.stored && r.kind !== 'Event').map(resourceKey))];

/** Versions each simulated control plane reports, as its cloud would label them. */
export interface ClusterVersion {
  gitVersion: string;
  kubeletVersion: string;
}

/**
 * One simulated cluster: its objects and the control loops that drive them. A tick runs the
 * timers that are due, then lets the loops react to each other's writes a few rounds, so a
 * new Deployment has its ReplicaSet and pods within one step, as in a real control plane.
 */
export class SimulatedCluster {
  readonly store: ObjectStore;
  readonly events: EventRecorder;
  readonly timers = new Timers();
  readonly kubelet: Kubelet;
  readonly nodeLifecycle: NodeLifecycleController;
  private readonly deployments: DeploymentController;
  private readonly controllers: Controller[];
  private lastProgressCheck = 0;

  constructor(
    readonly spec: ClusterSpec,
    readonly version: ClusterVersion,
    random: SeededRandom,
    readonly now: () => number,
    usage: { cpu(pod: Pod, cluster: string): number; memory(pod: Pod, cluster: string): number },
    readonly registry: ImageRegistry,
  ) {
    this.store = new ObjectStore(spec.name, random, now);
    this.events = new EventRecorder(this.store, now);
    const ctx: ControllerContext = {
      cluster: spec.name,
      store: this.store,
      events: this.events,
      timers: this.timers,
      registry,
      now,
      podCpuMilli: (pod) => usage.cpu(pod, spec.name),
      podMemoryMi: (pod) => usage.memory(pod, spec.name),
    };
    this.kubelet = new Kubelet(ctx);
    this.nodeLifecycle = new NodeLifecycleController(ctx, this.kubelet);
    this.deployments = new DeploymentController(ctx);
    this.controllers = [
      new GarbageCollector(ctx),
      this.deployments,
      new ReplicaSetController(ctx),
      new StatefulSetController(ctx),
      new DaemonSetController(ctx),
      new Scheduler(ctx),
      this.kubelet,
      new EndpointsController(ctx),
      new LoadBalancerController(ctx, spec),
      new ServiceAccountController(ctx),
      new DisruptionController(ctx),
      new HorizontalPodAutoscalerController(ctx),
      this.nodeLifecycle,
    ];
  }

  /** Called once the seeded objects are in: start the loops from the estate as it stands. */
  start(): void {
    this.store.compact();
    // Controllers start as informers do: an ADDED for everything that exists, then the changes.
    for (const resource of STORED_RESOURCES) {
      for (const entry of this.store.entries(resource)) {
        const change = { type: 'ADDED' as const, resource, rv: this.store.resourceVersion, object: entry.obj, previous: undefined };
        for (const c of this.controllers) c.observe(change);
      }
    }
    this.kubelet.prime(this.now());
    this.store.subscribe((change) => {
      for (const c of this.controllers) c.observe(change);
    });
  }

  tick(now: number): void {
    this.timers.runDue(now);
    if (now - this.lastProgressCheck >= 1000) {
      this.lastProgressCheck = now;
      this.deployments.recheckProgress();
    }
    for (let round = 0; round < 4; round++) {
      let changed = false;
      for (const c of this.controllers) changed = c.sync(now) || changed;
      if (!changed) break;
    }
  }
}
