import type { KubeConfig } from '../../connections/client-node.js';
import { KubeClient } from '../../providers/kubernetes/kube-client.js';
import type { KubeClientOptions } from '../../providers/kubernetes/kube-client.js';

/** What the pool needs of a kubeconfig context (connections/kubeconfig.ts KubeContext has it). */
export interface ClientContext {
  name: string;
  /** The kubeconfig narrowed to this context. */
  config: KubeConfig;
}

/**
 * The Kubernetes clients of the engine: one per context, so one per (cluster, way in), built
 * here and nowhere else in engine code. The estate's watch, operations, logs, the object view,
 * approvals and metrics.k8s.io sampling all ask for the same instance. A context whose
 * definition changes in the kubeconfig (a rotated token, a new CA or server, another user) gets
 * a new client at the next request for it, so a rewritten kubeconfig applies everywhere
 * without a restart; requests already under way finish on the client they started with.
 */
export class KubeClients {
  private readonly clients = new Map<string, { definition: string; client: KubeClient }>();

  constructor(private readonly options: Omit<KubeClientOptions, 'context'> = {}) {}

  /** The client for the context as its kubeconfig defines it now. Throws a KubeApiError when the context names no cluster. */
  for(context: ClientContext): KubeClient {
    const definition = definitionOf(context.config);
    const held = this.clients.get(context.name);
    if (held?.definition === definition) return held.client;
    const client = new KubeClient(context.config, { ...this.options, context: context.name });
    this.clients.set(context.name, { definition, client });
    return client;
  }

  /** Forgets the clients of contexts that are no longer configured. */
  retain(names: Iterable<string>): void {
    const keep = new Set(names);
    for (const name of [...this.clients.keys()]) if (!keep.has(name)) this.clients.delete(name);
  }
}

/** What identifies a context's way in: its cluster entry (server, CA, TLS options) and its user (token, certificate, exec plugin). */
export function definitionOf(config: KubeConfig): string {
  return JSON.stringify([config.getCurrentCluster(), config.getCurrentUser()]);
}
