import type { ClusterSpec } from '../../world.js';
import type { Change } from '../store.js';
import type { ServiceObject } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';

/**
 * The cloud controller manager's service controller: a LoadBalancer Service gets an address
 * from its cloud a few seconds after it is created (an ELB hostname on AWS, an IP on GCP).
 * On-prem clusters have no such controller, so the address stays <pending>, as it does on a
 * real bare-metal cluster without MetalLB.
 * https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
 */

const PROVISION_MS = 3000;

export class LoadBalancerController implements Controller {
  private readonly queue = new WorkQueue();
  private readonly waiting = new Set<string>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly cluster: Pick<ClusterSpec, 'cloud' | 'region'>,
  ) {}

  observe(change: Change): void {
    if (change.resource !== 'services' || change.type === 'DELETED' || this.cluster.cloud === 'onprem') return;
    const svc = change.object as ServiceObject;
    if (svc.spec.type === 'LoadBalancer' && !svc.status?.loadBalancer?.ingress?.length) this.queue.add(svc.metadata.namespace, svc.metadata.name);
  }

  sync(now: number): boolean {
    for (const { namespace, name } of this.queue.drain()) {
      const key = `${namespace}/${name}`;
      const svc = this.ctx.store.get<ServiceObject>('services', namespace, name);
      if (!svc || this.waiting.has(key)) continue;
      this.waiting.add(key);
      this.ctx.events.record(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', 'service-controller');
      this.ctx.timers.at(now + PROVISION_MS, () => this.provision(namespace, name));
    }
    return false;
  }

  private provision(namespace: string, name: string): void {
    this.waiting.delete(`${namespace}/${name}`);
    const svc = this.ctx.store.get<ServiceObject>('services', namespace, name);
    if (!svc || svc.spec.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) return;
    const id = this.ctx.store.nameSuffix(16);
    const ingress =
      this.cluster.cloud === 'aws'
        ? { hostname: `a${id}-${(id.length * 7919) % 1_000_000_000}.${this.cluster.region}.elb.amazonaws.com` }
        : { ip: `34.${(id.charCodeAt(0) * 7) % 256}.${(id.charCodeAt(1) * 13) % 256}.${(id.charCodeAt(2) * 17) % 254 + 1}`, ipMode: 'VIP' };
    const updated = this.ctx.store.mutate<ServiceObject>('services', namespace, name, (s) => {
      s.status = { loadBalancer: { ingress: [ingress] } };
    });
    if (updated) this.ctx.events.record(updated, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', 'service-controller');
  }
}
