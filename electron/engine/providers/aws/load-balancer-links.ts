import type { LoadBalancerRef } from '../kubernetes/cluster-estate.js';

/**
 * Which Kubernetes objects each AWS load balancer serves, as the clusters say: Kubernetes
 * sources publish their ingresses and LoadBalancer services here, and the AWS provider asks
 * which of them a load balancer name belongs to. Nothing here talks to a network.
 */
export class LoadBalancerLinks {
  private readonly bySource = new Map<string, LoadBalancerRef[]>();
  private readonly listeners = new Set<() => void>();

  publish(sourceId: string, refs: LoadBalancerRef[]): void {
    this.bySource.set(sourceId, refs);
    for (const listener of this.listeners) listener();
  }

  forget(sourceId: string): void {
    if (this.bySource.delete(sourceId)) for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Entity ids of the objects a load balancer named `name` fronts. A match on the address
   * (the ALB/NLB DNS name starts with the load balancer's name) or on an explicit name
   * annotation is certain; the AWS Load Balancer Controller's naming scheme
   * (`k8s-<namespace>-<ingress>-<hash>`, each part cut to 8 characters, or
   * `k8s-<group>-<hash>` for an IngressGroup) is used only when nothing certain matches.
   * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#load-balancer-name
   */
  targetsOf(name: string): string[] {
    const certain: string[] = [];
    const likely: string[] = [];
    const lower = name.toLowerCase();
    for (const refs of this.bySource.values()) {
      for (const ref of refs) {
        if (ref.explicitName?.toLowerCase() === lower || ref.addresses.some((a) => loadBalancerNameFromDns(a) === lower)) {
          certain.push(ref.entityId);
        } else if (controllerNameMatches(lower, ref)) {
          likely.push(ref.entityId);
        }
      }
    }
    return certain.length > 0 ? certain : likely;
  }
}

/**
 * `k8s-shop-web-1a2b3c4d5e-1234567890.eu-west-1.elb.amazonaws.com` → `k8s-shop-web-1a2b3c4d5e`;
 * internal load balancers' names carry an `internal-` prefix in DNS only.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#dns-name
 */
export function loadBalancerNameFromDns(address: string): string | null {
  const host = address.toLowerCase();
  if (!/\.elb\.[a-z0-9.-]*amazonaws\.com$/.test(host) && !host.includes('.elb.')) return null;
  const first = host.split('.')[0] ?? '';
  const withoutInternal = first.startsWith('internal-') ? first.slice('internal-'.length) : first;
  const lastDash = withoutInternal.lastIndexOf('-');
  return lastDash > 0 ? withoutInternal.slice(0, lastDash) : withoutInternal;
}

function squash(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function controllerNameMatches(name: string, ref: LoadBalancerRef): boolean {
  if (!name.startsWith('k8s-')) return false;
  const parts = name.slice(4).split('-');
  if (ref.groupName && parts.length === 2) return parts[0] === squash(ref.groupName).slice(0, 8);
  if (parts.length < 3) return false;
  return parts[0] === squash(ref.namespace).slice(0, 8) && parts[1] === squash(ref.name).slice(0, 8);
}
