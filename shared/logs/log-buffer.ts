import type { LogLine } from '../api/logs.js';

/** The log view's default bound: enough history for an incident, a fixed ceiling on memory. */
export const defaultLogCapacity = 100_000;

/**
 * The lines a log view holds, in time order, never more than `capacity`: when full, the oldest
 * lines are dropped and counted, so the view can say "12,000 older lines dropped".
 *
 * Batches from the engine are sorted, but a slow pod's batch can hold lines older than the last
 * one shown; those are inserted at their place by stamp (a binary search over the tail), so a
 * workload's view stays merged by time. Lines without a stamp keep their arrival order.
 *
 * Storage is a plain array compacted in steps (drop a slice of 1/8 of the capacity at once), so
 * appends stay O(1) amortised and no ring-index arithmetic leaks into the virtualised list.
 */
export class LogBuffer {
  private lines: LogLine[] = [];
  /** Lines dropped from the front since the view opened. */
  dropped = 0;
  /** Moves on every change, for views that redraw on a cadence. */
  version = 0;

  constructor(readonly capacity = defaultLogCapacity) {}

  get length(): number {
    return this.lines.length;
  }

  at(index: number): LogLine | undefined {
    return this.lines[index];
  }

  /** Everything held, oldest first (for download and search). */
  all(): readonly LogLine[] {
    return this.lines;
  }

  /** The stamp of the newest line held, '' when none. */
  get lastStamp(): string {
    return this.lines.at(-1)?.stamp ?? '';
  }

  append(batch: readonly LogLine[]): void {
    if (batch.length === 0) return;
    for (const line of batch) {
      const last = this.lines.at(-1);
      if (!last || !line.stamp || line.stamp >= last.stamp) this.lines.push(line);
      else this.lines.splice(this.insertionPoint(line.stamp), 0, line);
    }
    if (this.lines.length > this.capacity) {
      const excess = this.lines.length - this.capacity;
      // Drop in steps so a full buffer does not shift 100,000 entries on every batch.
      const step = Math.min(this.lines.length, Math.max(excess, Math.ceil(this.capacity / 8)));
      this.lines = this.lines.slice(step);
      this.dropped += step;
    }
    this.version++;
  }

  clear(): void {
    this.lines = [];
    this.dropped = 0;
    this.version++;
  }

  private insertionPoint(stamp: string): number {
    let low = 0;
    let high = this.lines.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const at = this.lines[mid]?.stamp ?? '';
      if (at <= stamp) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Lines as a file: one line each, with the pod and container when the view covers several. */
export function logsAsText(lines: readonly LogLine[], tagged: boolean): string {
  return lines.map((l) => `${l.stamp ? `${l.stamp} ` : ''}${tagged ? `[${l.pod}/${l.container}] ` : ''}${l.text}\n`).join('');
}
