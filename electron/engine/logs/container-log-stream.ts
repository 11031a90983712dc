import type { LogLine, LogStreamState } from '../../../shared/api/logs.js';
import { sleep } from '../abortable-sleep.js';
import { KubeApiError } from '../providers/kubernetes/api-error.js';
import type { KubeClient } from '../providers/kubernetes/kube-client.js';
import { LineSplitter, parseLogLine, resumeSinceTime } from './log-line.js';

export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

export interface ContainerLogOptions {
  previous: boolean;
  follow: boolean;
  sinceSeconds?: number;
  tailLines: number;
}

export interface ContainerLogEvents {
  lines(lines: LogLine[]): void;
  state(state: LogStreamState, message: string | null): void;
}

export interface ContainerLogTuning {
  /** First pause before reconnecting a cut stream; doubles up to maxBackoffMs, with jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One container's log, read from the pods/log subresource with `timestamps=true`
 * (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#get-read-log-of-the-specified-pod).
 *
 * A stream cut by the network or a restarting API server is reopened with `sinceTime` set to
 * the second of the last line seen (the API takes whole seconds), after a backoff with jitter.
 * The reopened stream repeats that second, so lines older than the last stamp are dropped, and
 * lines with exactly the last stamp are dropped as often as they were already delivered: two
 * identical lines written in the same nanosecond still both arrive once. An answer the server
 * gave on purpose (400 "previous terminated container not found", 404 pod gone, 403) ends the
 * stream as failed, since asking again would get the same answer.
 *
 * The credentials travel in headers set by client-node's KubeConfig, never in the URL, and the
 * messages reported here name the pod and container, never the request.
 */
export class ContainerLogStream {
  private lastStamp = '';
  /** How many times each text was delivered with exactly `lastStamp`. */
  private seenAtLastStamp = new Map<string, number>();
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly client: KubeClient,
    readonly ref: ContainerRef,
    private readonly options: ContainerLogOptions,
    private readonly events: ContainerLogEvents,
    tuning: ContainerLogTuning = {},
  ) {
    this.backoffMs = tuning.backoffMs ?? 1_000;
    this.maxBackoffMs = tuning.maxBackoffMs ?? 15_000;
  }

  /** Reads until the server ends the log (or, following, until aborted). Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.ref.namespace)}/pods/${encodeURIComponent(this.ref.pod)}/log`;
    let failures = 0;
    let opened = false;
    this.events.state('opening', null);
    while (!signal.aborted) {
      const splitter = new LineSplitter();
      const replay = new Map(this.seenAtLastStamp);
      const resuming = opened;
      try {
        await this.client.stream(path, this.query(resuming), signal, (chunk) => {
          const wasQuiet = failures > 0 || !opened;
          failures = 0;
          opened = true;
          // Lines first, then the state: a view waiting for every stream's opening tail must
          // have this chunk's lines in hand when it hears the stream is streaming.
          this.deliver(splitter.push(chunk), replay);
          if (wasQuiet) this.events.state('streaming', null);
        });
        this.deliver(splitter.end(), replay);
        if (!opened) this.events.state('streaming', null);
        this.events.state('ended', null);
        return;
      } catch (error) {
        if (signal.aborted) return;
        // A partial last line is dropped: the resumed stream sends it again, whole.
        splitter.reset();
        if (error instanceof KubeApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          this.events.state('failed', `${this.ref.pod}/${this.ref.container}: ${error.message}`);
          return;
        }
        failures++;
        const message = error instanceof Error ? error.message : String(error);
        this.events.state('reconnecting', `${this.ref.pod}/${this.ref.container}: ${message}; reconnecting (attempt ${failures})`);
        opened = opened || this.lastStamp !== '';
        const pause = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (failures - 1));
        await sleep(pause / 2 + Math.random() * (pause / 2), signal);
      }
    }
  }

  private query(resuming: boolean): Record<string, string> {
    const query: Record<string, string> = { container: this.ref.container, timestamps: 'true' };
    if (this.options.follow) query['follow'] = 'true';
    if (this.options.previous) query['previous'] = 'true';
    if (resuming && this.lastStamp) {
      query['sinceTime'] = resumeSinceTime(this.lastStamp);
      return query;
    }
    query['tailLines'] = String(this.options.tailLines);
    if (this.options.sinceSeconds !== undefined) query['sinceSeconds'] = String(this.options.sinceSeconds);
    return query;
  }

  private deliver(raw: string[], replay: Map<string, number>): void {
    const out: LogLine[] = [];
    for (const text of raw) {
      const line = parseLogLine(text);
      if (line.stamp) {
        if (line.stamp < this.lastStamp) continue;
        if (line.stamp === this.lastStamp) {
          const left = replay.get(line.text) ?? 0;
          if (left > 0) {
            replay.set(line.text, left - 1);
            continue;
          }
          this.seenAtLastStamp.set(line.text, (this.seenAtLastStamp.get(line.text) ?? 0) + 1);
        } else {
          this.lastStamp = line.stamp;
          this.seenAtLastStamp = new Map([[line.text, 1]]);
          replay.clear();
        }
      }
      out.push({ pod: this.ref.pod, container: this.ref.container, time: line.time, stamp: line.stamp, text: line.text });
    }
    if (out.length > 0) this.events.lines(out);
  }
}
