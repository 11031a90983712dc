import type { Change } from '../store.js';
import type { Container, EndpointAddress, EndpointsObject, Pod, ServiceObject } from '../types.js';
import type { Controller, ControllerContext } from './context.js';
import { WorkQueue } from './context.js';
import { isReady } from './pods.js';
import { serviceSelectorMatches } from '../../../../../shared/estate/label-selector.js';

/**
 * The endpoints and EndpointSlice controllers: each selector Service's Endpoints lists its
 * pods' IPs, ready ones under addresses and the rest under notReadyAddresses, and one
 * EndpointSlice (owned by the Service, labelled with its name) lists the same pods with their
 * ready/serving/terminating conditions
 * (https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/). Only services
 * whose pods changed are recomputed, so a crash loop in one namespace costs nothing elsewhere.
 */

const SLICES = 'endpointslices.discovery.k8s.io';
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export class EndpointsController implements Controller {
  private readonly queue = new WorkQueue();

  constructor(private readonly ctx: ControllerContext) {}

  observe(change: Change): void {
    if (change.resource === 'services') {
      const svc = change.object as ServiceObject;
      if (change.type === 'DELETED') this.ctx.store.remove('endpoints', svc.metadata.namespace, svc.metadata.name);
      else this.queue.add(svc.metadata.namespace, svc.metadata.name);
      return;
    }
    if (change.resource !== 'pods') return;
    const pod = change.object as Pod;
    const prev = change.previous as Pod | undefined;
    if (prev && prev.status.podIP === pod.status.podIP && isReady(prev) === isReady(pod) && !!prev.metadata.deletionTimestamp === !!pod.metadata.deletionTimestamp && change.type === 'MODIFIED') return;
    for (const svc of this.ctx.store.objects<ServiceObject>('services', pod.metadata.namespace)) {
      const selector = svc.spec.selector;
      if (serviceSelectorMatches(selector, pod.metadata.labels)) this.queue.add(svc.metadata.namespace, svc.metadata.name);
    }
  }

  sync(): boolean {
    let changed = false;
    for (const { namespace, name } of this.queue.drain()) {
      const svc = this.ctx.store.get<ServiceObject>('services', namespace, name);
      if (svc?.spec.selector) changed = this.reconcile(svc) || changed;
    }
    return changed;
  }

  private reconcile(svc: ServiceObject): boolean {
    const { store } = this.ctx;
    const selector = svc.spec.selector ?? {};
    const ready: { address: EndpointAddress; pod: Pod }[] = [];
    const notReady: { address: EndpointAddress; pod: Pod }[] = [];
    for (const pod of store.objects<Pod>('pods', svc.metadata.namespace)) {
      if (!pod.status.podIP || pod.metadata.deletionTimestamp) continue;
      if (!serviceSelectorMatches(selector, pod.metadata.labels)) continue;
      const address: EndpointAddress = {
        ip: pod.status.podIP,
        ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
        targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid },
      };
      (isReady(pod) ? ready : notReady).push({ address, pod });
    }
    const sample = ready[0]?.pod ?? notReady[0]?.pod;
    const ports = (svc.spec.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: resolveTargetPort(p.targetPort ?? p.port, sample?.spec.containers ?? []),
      protocol: p.protocol ?? 'TCP',
    }));
    const byIp = (a: { address: EndpointAddress }, b: { address: EndpointAddress }) => (a.address.ip < b.address.ip ? -1 : 1);
    const subsets =
      ready.length + notReady.length === 0
        ? []
        : [
            {
              ...(ready.length ? { addresses: ready.sort(byIp).map((r) => r.address) } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady.sort(byIp).map((r) => r.address) } : {}),
              ports,
            },
          ];
    const sliceChanged = this.reconcileSlice(svc, [...ready.map((r) => ({ ...r, ready: true })), ...notReady.map((r) => ({ ...r, ready: false }))], ports);
    const existing = store.get<EndpointsObject>('endpoints', svc.metadata.namespace, svc.metadata.name);
    if (!existing) {
      store.create<EndpointsObject>('endpoints', {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, uid: '', resourceVersion: '', creationTimestamp: '', labels: { ...(svc.metadata.labels ?? {}) } },
        subsets,
      });
      return true;
    }
    const before = existing.metadata.resourceVersion;
    const after = store.mutate<EndpointsObject>('endpoints', svc.metadata.namespace, svc.metadata.name, (e) => {
      e.subsets = subsets;
    });
    return sliceChanged || (after !== undefined && after.metadata.resourceVersion !== before);
  }

  private reconcileSlice(svc: ServiceObject, members: { address: EndpointAddress; pod: Pod; ready: boolean }[], ports: { name?: string; port: number; protocol: string }[]): boolean {
    const { store } = this.ctx;
    const endpoints = members
      .sort((a, b) => (a.address.ip < b.address.ip ? -1 : 1))
      .map(({ address, ready }) => ({
        addresses: [address.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(address.nodeName ? { nodeName: address.nodeName } : {}),
        targetRef: address.targetRef,
      }));
    // An unnamed port is named "" in a slice: kubectl describe dereferences the name.
    const slicePorts = ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }));
    const existing = store.objects(SLICES, svc.metadata.namespace).find((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svc.metadata.name);
    if (!existing) {
      store.create(SLICES, {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${svc.metadata.name}-${store.nameSuffix()}`,
          namespace: svc.metadata.namespace,
          uid: '',
          resourceVersion: '',
          creationTimestamp: '',
          labels: { [SERVICE_NAME_LABEL]: svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        addressType: 'IPv4',
        endpoints,
        ports: slicePorts,
      });
      return true;
    }
    const before = existing.metadata.resourceVersion;
    const after = store.mutate(SLICES, existing.metadata.namespace, existing.metadata.name, (s) => {
      s.endpoints = endpoints;
      s.ports = slicePorts;
    });
    return after !== undefined && after.metadata.resourceVersion !== before;
  }
}

function resolveTargetPort(target: number | string, containers: Container[]): number {
  if (typeof target === 'number') return target;
  for (const c of containers) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return Number(target) || 0;
}
