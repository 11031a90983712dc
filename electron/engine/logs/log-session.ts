import type { z } from 'zod';
import type { LogBatch, LogLine, LogRequest, LogStreamStatus } from '../../../shared/api/logs.js';
import type { Entity } from '../../../shared/estate/model.js';
import { clusterClient } from '../sources/kubernetes/cluster-access.js';
import type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';
import { addressOf } from '../objects/object-address.js';
import { ContainerLogStream } from './container-log-stream.js';
import type { ContainerLogTuning } from './container-log-stream.js';
import { podsForLogs } from './workload-pods.js';
import { ApiError } from '../../../shared/api/errors.js';

type ParsedLogRequest = z.output<typeof LogRequest>;

export interface LogSessionDeps {
  clusters: ClusterAccess;
  entity(id: string): Entity | undefined;
  log(message: string): void;
  tuning?: LogSessionTuning;
}

export interface LogSessionTuning extends ContainerLogTuning {
  /** How often merged lines are pushed while following. */
  flushMs?: number;
  /** How long the first batch waits for every stream's first lines, so the opening tail is merged whole. */
  settleMs?: number;
}

/** More pods than this in one view would be a firehose no one reads; the view says so. */
export const maxStreams = 60;
const defaultTail = 1_000;
/** Lines per pushed batch, so one message stays small enough to parse without a pause. */
const batchLines = 5_000;

/**
 * One log view: the streams of every container it covers, merged by time into batches.
 *
 * Each container's stream is ordered by itself; merging sorts each batch by the kubelet's
 * stamp. Without follow, lines are pushed once every stream has ended, merged whole. Following,
 * the first batch waits (up to settleMs) until every stream has sent its first lines or ended,
 * so a workload's opening tails arrive merged; later batches carry what arrived in the last
 * flushMs. Closing the view aborts every HTTP stream at once.
 */
export function openLogSession(request: ParsedLogRequest, deps: LogSessionDeps, push: (batch: LogBatch) => void): () => void {
  const controller = new AbortController();
  const { signal } = controller;
  const flushMs = deps.tuning?.flushMs ?? 100;
  const settleMs = deps.tuning?.settleMs ?? 3_000;
  const statuses = new Map<string, LogStreamStatus>();
  const heard = new Set<string>();
  let pending: LogLine[] = [];
  let statusChanged = false;
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = (done: boolean) => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (signal.aborted) return;
    const lines = pending.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
    pending = [];
    const streams = statusChanged || done ? [...statuses.values()] : undefined;
    statusChanged = false;
    for (let start = 0; start < lines.length || start === 0; start += batchLines) {
      const last = start + batchLines >= lines.length;
      push({ lines: lines.slice(start, start + batchLines), ...(start === 0 && streams ? { streams } : {}), done: done && last });
      if (last) break;
    }
  };
  const schedule = () => {
    if (!settled || timer || signal.aborted) return;
    timer = setTimeout(() => flush(false), flushMs);
  };

  const run = async () => {
    const address = addressOf(request.entityId, deps.entity(request.entityId), (cluster) => deps.clusters.contextsOf(cluster));
    // The context's one client, from sources/: a kubeconfig rewritten since start applies here too.
    const client = clusterClient(deps.clusters, address.context);
    if (!client) throw new Error(`No kubeconfig context "${address.context}" is configured.`);
    const pods = await podsForLogs(client, address, signal);
    const refs = pods.flatMap((pod) =>
      pod.spec.containers
        .filter((c) => !request.container || c.name === request.container)
        .map((c) => ({ namespace: pod.metadata.namespace, pod: pod.metadata.name, container: c.name })),
    );
    if (refs.length === 0) {
      const what = request.container ? `no container "${request.container}"` : 'no pods';
      throw new Error(`${address.kind} ${address.name} has ${what} right now.`);
    }
    const streams = refs.slice(0, maxStreams).map(
      (ref) =>
        new ContainerLogStream(
          client,
          ref,
          { previous: request.previous, follow: request.follow, sinceSeconds: request.sinceSeconds, tailLines: request.tailLines ?? defaultTail },
          {
            lines: (lines) => {
              heard.add(`${ref.pod}/${ref.container}`);
              for (const line of lines) pending.push(line);
              // A very long history is pushed in pieces rather than held: the renderer's buffer
              // places a late piece by time, so order survives, and engine memory stays bounded.
              if (pending.length >= batchLines * 4) flush(false);
              else schedule();
              settleIfReady();
            },
            state: (state, message) => {
              statuses.set(`${ref.pod}/${ref.container}`, { pod: ref.pod, container: ref.container, state, message });
              if (state !== 'opening') heard.add(`${ref.pod}/${ref.container}`);
              if (state === 'reconnecting' || state === 'failed') deps.log(`logs: ${message ?? state}`);
              statusChanged = true;
              schedule();
              settleIfReady();
            },
          },
          deps.tuning,
        ),
    );
    if (refs.length > maxStreams) {
      statuses.set('…', { pod: `${refs.length - maxStreams} more containers`, container: '', state: 'failed', message: `Only the first ${maxStreams} containers are followed.` });
    }
    function settleIfReady() {
      // Without follow, everything is pushed merged once every stream has ended.
      if (settled || !request.follow || heard.size < streams.length) return;
      settled = true;
      flush(false);
    }
    setTimeout(() => {
      if (settled || !request.follow) return;
      settled = true;
      flush(false);
    }, settleMs);
    await Promise.all(streams.map((stream) => stream.run(signal)));
    settled = true;
    flush(true);
  };

  run().catch((error: unknown) => {
    if (signal.aborted) return;
    const message = error instanceof Error ? error.message : String(error);
    // A request for something that cannot have logs is answered to its subscriber; only what
    // the engine did not expect is worth a line in its log.
    const asked = error instanceof ApiError && (error.code === 'bad_request' || error.code === 'not_found' || error.code === 'forbidden');
    if (!asked) deps.log(`logs for ${request.entityId}: ${message}`);
    push({ lines: [], done: true, error: message });
  });

  return () => {
    controller.abort();
    if (timer) clearTimeout(timer);
  };
}
