import type { SourceRegistry } from '../../sources/source-registry.js';
import { verdictFor } from '../source-status.js';
import type { EstateSink } from '../../state/estate-sink.js';
import { ClusterEstate } from './cluster-estate.js';
import type { LoadBalancerRef } from './cluster-estate.js';
import { resourceTypes } from './kinds.js';
import type { ResourceType, WatchedKind } from './kinds.js';
import type { KubeClient } from './kube-client.js';
import { nameOf, specReadsOf, toRecord } from './records.js';
import type { KubeRecord } from './records.js';
import { Reflector } from './reflector.js';
import type { WatchDecoder } from './watch-decoder.js';
import type { BackoffOptions } from './reflector.js';

export interface KubernetesSourceOptions {
  sourceId: string;
  context: string;
  clusterName: string;
  server: string;
  /** The context's client, handed out by sources/ (sources/kubernetes/kube-clients.ts). */
  client: KubeClient;
  sink: EstateSink;
  registry: SourceRegistry;
  resources?: readonly ResourceType[];
  pageSize?: number;
  inactivityMs?: number;
  backoff?: BackoffOptions;
  onLoadBalancers?: (sourceId: string, refs: LoadBalancerRef[]) => void;
  now?: () => number;
  /** Reads watch lines off the engine's thread (one per engine, owned by sources/); without it a reflector reads them itself. */
  decoder?: WatchDecoder;
  /** The cluster key ids use (the cluster's identity, not the context); the context's name when absent. */
  clusterKey?: string;
  /** Every context that reaches this cluster, shown on the cluster entity. */
  contexts?: readonly { name: string; user: string }[];
}

/**
 * One kubeconfig context, kept live: a reflector per resource kind, each its own loop so a
 * slow or forbidden kind does not hold up the rest, and a cluster that is down does not slow
 * any other (every source has its own loops and connect timeouts). Reports its state to the
 * SourceRegistry: connecting → live after every kind has listed once; degraded, offline or
 * unauthorized, with the reason and remedy, when reflectors fail.
 */
export class KubernetesSource {
  readonly estate: ClusterEstate;
  private readonly reflectors = new Map<WatchedKind, Reflector<KubeRecord>>();
  private readonly now: () => number;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastPublished = '';
  private stopped = false;

  constructor(private readonly options: KubernetesSourceOptions) {
    this.now = options.now ?? Date.now;
    this.estate = new ClusterEstate({
      context: options.context,
      ...(options.clusterKey !== undefined ? { clusterKey: options.clusterKey } : {}),
      ...(options.contexts ? { contexts: options.contexts } : {}),
      sourceId: options.sourceId,
      sink: options.sink,
      hints: { clusterName: options.clusterName, server: options.server },
      now: this.now,
      onLoadBalancers: (refs) => options.onLoadBalancers?.(options.sourceId, refs),
    });
  }

  start(): void {
    const { client } = this.options;
    for (const resource of this.options.resources ?? resourceTypes) {
      const held = this.estate.heldRecords(resource.kind);
      const reflector = new Reflector<KubeRecord>({
        client,
        resource,
        toRecord: (raw) => toRecord(resource.kind, raw, held),
        nameOf,
        specReads: specReadsOf(resource.kind),
        decode: this.options.decoder?.for(resource.kind, held),
        sink: this.estate.sinkFor(resource.kind),
        onStatus: () => this.publish(),
        pageSize: this.options.pageSize,
        inactivityMs: this.options.inactivityMs,
        backoff: this.options.backoff,
        now: this.now,
      });
      this.reflectors.set(resource.kind, reflector);
    }
    this.options.registry.update(this.options.sourceId, { state: 'connecting', reason: `Connecting to ${this.options.server}…`, remedy: undefined });
    for (const reflector of this.reflectors.values()) reflector.start();
    // While live, lastSyncAt keeps moving so "last seen live" stays honest when it drops.
    this.heartbeat = setInterval(() => this.publish(true), 15_000);
    this.heartbeat.unref();
  }

  /** Ends every list and watch (their requests are aborted, nothing keeps running). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all([...this.reflectors.values()].map((r) => r.stop()));
    this.reflectors.clear();
  }

  private publish(heartbeat = false): void {
    if (this.stopped) return;
    const statuses = [...this.reflectors.entries()].map(([kind, r]) => ({ kind, status: r.current }));
    const where = `Cluster ${this.options.context}`;
    // A kind the server does not serve (404: an old cluster without policy/v1, say) is skipped.
    const relevant = statuses.filter((s) => s.status.error?.status !== 404);
    const failing = relevant.filter((s) => s.status.phase === 'failing');
    const synced = relevant.filter((s) => s.status.synced);
    const lastGood = Math.max(0, ...statuses.map((s) => s.status.lastGoodAt ?? 0)) || null;
    let change: Parameters<SourceRegistry['update']>[1];
    if (failing.length > 0 && failing.length === relevant.length) {
      const verdict = verdictFor(failing[0]!.status.error!, where, 'kubernetes');
      change = { ...verdict, remedy: verdict.remedy, lastSyncAt: lastGood };
    } else if (failing.length > 0) {
      const first = failing[0]!;
      const verdict = verdictFor(first.status.error!, where, 'kubernetes');
      const kinds = failing.map((f) => f.kind).join(', ');
      change = {
        state: verdict.state === 'unauthorized' && synced.length === 0 ? 'unauthorized' : 'degraded',
        reason: `${kinds}: ${verdict.reason}`,
        remedy: verdict.remedy,
        lastSyncAt: lastGood,
      };
    } else if (synced.length < relevant.length) {
      change = { state: 'connecting', reason: `Listing (${synced.length} of ${relevant.length} kinds done)…`, remedy: undefined };
    } else {
      const skipped = statuses.length - relevant.length;
      change = {
        state: 'live',
        reason: `Watching ${relevant.length} kinds${skipped ? ` (${skipped} not served by this cluster)` : ''}; ${this.estate.count('Pod')} pods, ${this.estate.count('Node')} nodes.`,
        remedy: undefined,
        lastSyncAt: this.now(),
      };
    }
    const signature = `${change.state}|${change.reason}`;
    if (!heartbeat && signature === this.lastPublished) return;
    if (heartbeat && change.state !== 'live') return;
    this.lastPublished = signature;
    this.options.registry.update(this.options.sourceId, change);
  }
}
