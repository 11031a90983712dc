import type { KubeContext } from '../../connections/kubeconfig.js';
import type { EstateSink } from '../../state/estate-sink.js';
import type { KubeClient } from '../../providers/kubernetes/kube-client.js';
import { KubernetesSource } from '../../providers/kubernetes/cluster-source.js';
import type { KubernetesSourceOptions } from '../../providers/kubernetes/cluster-source.js';
import { resourceTypes } from '../../providers/kubernetes/kinds.js';
import type { ResourceType } from '../../providers/kubernetes/kinds.js';
import { kubeSourceId } from '../../../../shared/estate/ids.js';
import type { SourceRegistry } from '../source-registry.js';
import type { ClusterGroup } from './cluster-identity.js';

export interface ClusterGroupSourceOptions {
  group: ClusterGroup<KubeContext>;
  /** The group's contexts the user has not switched off; only these are asked or watched through. */
  enabled: readonly string[];
  sink: EstateSink;
  registry: SourceRegistry;
  /** The client of a context (sources/kubernetes/kube-clients.ts): the watch and the access reviews use the one operations use. */
  client: (context: KubeContext) => KubeClient;
  /** Everything a KubernetesSource needs besides the context it watches through. */
  source: Omit<KubernetesSourceOptions, 'sourceId' | 'context' | 'clusterName' | 'server' | 'client' | 'sink' | 'registry' | 'clusterKey' | 'contexts'>;
  /** Answers how much of `resources` a context may list; the default asks SelfSubjectAccessReview. */
  readAccess?: (client: KubeClient, resources: readonly ResourceType[]) => Promise<number>;
  log?: (message: string) => void;
}

/**
 * One cluster, watched once, whichever contexts reach it. At start it asks each enabled
 * context how much of what Daytwo watches it may list (SelfSubjectAccessReview, one per kind),
 * and watches through the one that may read the most (ties: the first by name, so an admin
 * context `x` wins over `x-viewer`). Its objects are stated under that context's source; every
 * other context of the cluster stays listed as a way in, mirroring the cluster's state, and
 * holds no entities (what an older Daytwo cached under it is forgotten, so nothing shows twice).
 */
export class ClusterGroupSource {
  private inner: KubernetesSource | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;
  private starting: Promise<void> | null = null;
  /** The context watched through, once chosen. */
  watching: KubeContext | null = null;

  constructor(private readonly options: ClusterGroupSourceOptions) {}

  start(): void {
    this.starting = this.choose().then(
      (context) => this.watch(context),
      (error: unknown) => this.options.log?.(`cluster ${this.options.group.key}: ${String(error)}`),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.inner?.stop();
    this.inner = null;
  }

  private enabledContexts(): KubeContext[] {
    const enabled = new Set(this.options.enabled);
    return this.options.group.contexts.filter((c) => enabled.has(c.name));
  }

  private async choose(): Promise<KubeContext> {
    const candidates = this.enabledContexts();
    if (candidates.length === 1) return candidates[0]!;
    const measure = this.options.readAccess ?? listableKinds;
    const resources = this.options.source.resources ?? resourceTypes;
    const scores = await Promise.all(
      candidates.map(async (c) => {
        try {
          return await measure(this.options.client(c), resources);
        } catch {
          return -1;
        }
      }),
    );
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if ((scores[i] ?? -1) > (scores[best] ?? -1)) best = i;
    return candidates[best]!;
  }

  private watch(context: KubeContext): void {
    if (this.stopped) return;
    const { group, sink, registry } = this.options;
    this.watching = context;
    const watchedId = kubeSourceId(context.name);
    const others = this.enabledContexts().filter((c) => c !== context);
    for (const other of others) sink.forgetSource(kubeSourceId(other.name));

    let client: KubeClient;
    try {
      client = this.options.client(context);
    } catch (error) {
      registry.update(watchedId, { state: 'error', reason: error instanceof Error ? error.message : String(error), remedy: 'Fix this context in your kubeconfig.' });
      return;
    }
    this.inner = new KubernetesSource({
      ...this.options.source,
      sourceId: watchedId,
      context: context.name,
      clusterName: context.clusterName,
      server: context.server,
      client,
      sink,
      registry,
      clusterKey: group.key,
      contexts: group.contexts.map((c) => ({ name: c.name, user: c.user })),
    });
    // The other ways in show the cluster's state, saying whose watch it is.
    const mirror = () => {
      const watched = registry.get(watchedId);
      if (!watched) return;
      for (const other of others) {
        const id = kubeSourceId(other.name);
        const current = registry.get(id);
        const reason = `Same cluster as "${context.name}", which Daytwo watches it through (the widest read access). ${watched.reason}`;
        // Last sync only moves forward: the estate also corrects it from its cache, and two
        // writers setting it back and forth would never settle.
        const lastSyncAt = Math.max(current?.lastSyncAt ?? 0, watched.lastSyncAt ?? 0) || null;
        if (!current || (current.state === watched.state && current.reason === reason && current.lastSyncAt === lastSyncAt)) continue;
        registry.update(id, { state: watched.state, reason, lastSyncAt, remedy: watched.remedy });
      }
    };
    this.unsubscribe = registry.subscribe(mirror);
    this.inner.start();
    mirror();
  }
}

/** How many of the watched kinds the context's user may list cluster-wide. */
async function listableKinds(client: KubeClient, resources: readonly ResourceType[]): Promise<number> {
  const answers = await Promise.all(
    resources.map(async (resource) => {
      const [group, resourceName] = groupAndResource(resource.path);
      const review = await client.post<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'list', group, resource: resourceName } },
      }, { timeoutMs: 10_000 });
      return review.status?.allowed === true ? 1 : 0;
    }),
  );
  return answers.reduce<number>((sum, n) => sum + n, 0);
}

/** `/api/v1/pods` → ['', 'pods']; `/apis/apps/v1/deployments` → ['apps', 'deployments']. */
function groupAndResource(path: string): [string, string] {
  const parts = path.split('/').filter(Boolean);
  return parts[0] === 'api' ? ['', parts[2] ?? ''] : [parts[1] ?? '', parts[3] ?? ''];
}
