import { z } from 'zod';
import { topic } from './define.js';

/**
 * Container logs over the API. One subscription per view: the engine opens one pods/log stream
 * per container it covers (a pod, one container, or every pod of a workload), merges their
 * lines by time and pushes them in batches. Closing the subscription aborts every HTTP stream.
 * Lines are untrusted text: the renderer shows them only as text.
 */

/** At most this many lines asked for per container on open (kubectl's --tail). */
export const maxTailLines = 100_000;

export const LogRequest = z
  .object({
    /** A pod or workload entity (Deployment, StatefulSet, DaemonSet, ReplicaSet). */
    entityId: z.string().min(1).max(4096),
    /** One container by name; omitted: every container of every pod covered. */
    container: z.string().min(1).max(253).optional(),
    /** The previous (crashed) container instance's logs, as `kubectl logs --previous`. */
    previous: z.boolean().default(false),
    /** Keep the streams open and push new lines as they are written (`-f`). */
    follow: z.boolean().default(true),
    /** Only lines newer than this many seconds (`--since`). */
    sinceSeconds: z.number().int().min(1).max(366 * 86_400).optional(),
    /** The last N lines of each container (`--tail`); omitted: 1,000. */
    tailLines: z.number().int().min(0).max(maxTailLines).optional(),
  })
  .strict();
export type LogRequest = z.input<typeof LogRequest>;

export const LogLine = z.object({
  pod: z.string(),
  container: z.string(),
  /** Epoch ms from the kubelet's timestamp; null when the line carried none. */
  time: z.number().nullable(),
  /** The kubelet's RFC3339Nano timestamp, normalised to nine fraction digits so it sorts as text. */
  stamp: z.string(),
  text: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const LogStreamState = z.enum(['opening', 'streaming', 'reconnecting', 'ended', 'failed']);
export type LogStreamState = z.infer<typeof LogStreamState>;

export const LogStreamStatus = z.object({
  pod: z.string(),
  container: z.string(),
  state: LogStreamState,
  /** Why it is reconnecting or failed, in words. */
  message: z.string().nullable(),
});
export type LogStreamStatus = z.infer<typeof LogStreamStatus>;

export const LogBatch = z.object({
  /** In time order within the batch; a batch never holds a line an earlier batch held. */
  lines: z.array(LogLine),
  /** Every stream's state, sent when one changes (and with the first batch). */
  streams: z.array(LogStreamStatus).optional(),
  /** True once every stream has ended or failed: nothing more will come. */
  done: z.boolean(),
  /** Why no stream could be opened (the pod is gone, the context is not configured …). */
  error: z.string().optional(),
});
export type LogBatch = z.infer<typeof LogBatch>;

export const logTopics = {
  'logs.follow': topic(
    'Container logs of a pod, one container or a whole workload, merged by time; follows live until closed.',
    LogRequest,
    LogBatch,
  ),
};
