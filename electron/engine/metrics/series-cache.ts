import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { StoreDatabase } from '../store/database.js';
import type { RawSeries } from '../../../shared/metrics/downsample.js';
import { mergeSeries } from '../../../shared/metrics/downsample.js';
import type { Range } from '../../../shared/metrics/ranges.js';
import type { MetricUnit } from '../../../shared/metrics/query.js';

/** What one fetch returned for one query: every series over [start, end] at one step. */
export interface FetchedRange {
  start: number;
  end: number;
  stepMs: number;
  fetchedAt: number;
  unit: MetricUnit;
  series: RawSeries[];
}

export interface CachedRange {
  series: RawSeries[];
  /** The parts of the asked range some stored fetch covered. */
  covered: Range[];
  /** When the newest contributing fetch happened; null when nothing was stored. */
  fetchedAt: number | null;
  stepMs: number | null;
  unit: MetricUnit | null;
}

export interface SeriesCacheLimits {
  /** Drop data whose range ended longer ago than this. Default: 8 days (a week of history plus margin). */
  retentionMs?: number;
  /** Total compressed size the cache may use. Default: 256 MiB; the oldest fetches go first. */
  maxBytes?: number;
}

/** Appending to a chunk beyond this many points per series starts a new one, so rewrites stay cheap. */
const MAX_APPEND_POINTS = 720;

/**
 * Series as fetched, in SQLite. Each row is one fetch of one query over one range (a "chunk"),
 * its series packed as Float64 times and values (NaN for no value), deflated: about 4–8 bytes a
 * point instead of ~30 as JSON text. A newer fetch over an overlapping range replaces what it
 * covers (older chunks are trimmed), so a chart refreshed every 5 s does not store its window
 * a thousand times. Retention is bounded by age and by total size.
 */
export class SeriesCache {
  private readonly retentionMs: number;
  private readonly maxBytes: number;
  private readonly overlapping;
  private readonly insertChunk;
  private readonly deleteChunk;
  private readonly lastChunk;
  private writesSincePrune = 0;

  constructor(
    private readonly db: StoreDatabase,
    limits: SeriesCacheLimits = {},
  ) {
    this.retentionMs = limits.retentionMs ?? 8 * 86_400_000;
    this.maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
    this.overlapping = db.prepare<[string, number, number], ChunkRow>(
      'SELECT id, start_ms, end_ms, step_ms, fetched_at, unit, payload FROM metric_chunks WHERE query_key = ? AND start_ms < ? AND end_ms > ? ORDER BY fetched_at ASC, id ASC',
    );
    this.insertChunk = db.prepare(
      'INSERT INTO metric_chunks (query_key, start_ms, end_ms, step_ms, fetched_at, unit, bytes, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.deleteChunk = db.prepare('DELETE FROM metric_chunks WHERE id = ?');
    this.lastChunk = db.prepare<[string], ChunkRow>(
      'SELECT id, start_ms, end_ms, step_ms, fetched_at, unit, payload FROM metric_chunks WHERE query_key = ? ORDER BY end_ms DESC LIMIT 1',
    );
  }

  /** Stores a fetch, trimming what older fetches held of the same range. */
  put(queryKey: string, fetched: FetchedRange): void {
    const write = this.db.transaction(() => {
      for (const row of this.overlapping.all(queryKey, fetched.end, fetched.start)) {
        // A coarser fetch (a 7-day chart) must not erase finer data (the 1-hour chart's).
        if (row.step_ms < fetched.stepMs) continue;
        this.deleteChunk.run(row.id);
        const old = decode(row.payload);
        // Keep the parts of the older fetch outside the new one's range.
        if (row.start_ms < fetched.start) this.insert(queryKey, { ...rowMeta(row), end: fetched.start, series: slice(old, row.start_ms, fetched.start) });
        if (row.end_ms > fetched.end) this.insert(queryKey, { ...rowMeta(row), start: fetched.end, series: slice(old, fetched.end + 1, row.end_ms + 1) });
      }
      this.insert(queryKey, fetched);
    });
    write();
    this.maybePrune(fetched.fetchedAt);
  }

  /**
   * Adds one sample (metrics.k8s.io answers only "now") covering (at - stepMs, at]. Extends the
   * latest chunk when it ends where this sample's window starts, so sampling every 15 s adds
   * points to a row rather than rows to a table.
   */
  append(queryKey: string, at: number, stepMs: number, unit: MetricUnit, series: RawSeries[]): void {
    const write = this.db.transaction(() => {
      const last = this.lastChunk.get(queryKey);
      const windowStart = at - stepMs;
      if (last && last.end_ms >= windowStart - stepMs && last.end_ms < at && last.step_ms === stepMs) {
        const old = decode(last.payload);
        if ((old[0]?.t.length ?? 0) < MAX_APPEND_POINTS) {
          this.deleteChunk.run(last.id);
          const merged = mergeByLabels([...old, ...series]);
          this.insert(queryKey, { start: last.start_ms, end: at, stepMs, fetchedAt: at, unit, series: merged });
          return;
        }
      }
      this.insert(queryKey, { start: windowStart, end: at, stepMs, fetchedAt: at, unit, series });
    });
    write();
    this.maybePrune(at);
  }

  read(queryKey: string, start: number, end: number): CachedRange {
    const rows = this.overlapping.all(queryKey, end, start);
    if (rows.length === 0) return { series: [], covered: [], fetchedAt: null, stepMs: null, unit: null };
    const parts: RawSeries[] = [];
    const covered: Range[] = [];
    let fetchedAt = 0;
    let stepMs = Infinity;
    let unit: MetricUnit | null = null;
    for (const row of rows) {
      // Where a finer fetch covers a range, its points stand alone there: mixing two grids in one line would zigzag.
      const finer = rows.filter((r) => r.step_ms < row.step_ms).map((r): Range => [r.start_ms, r.end_ms]);
      parts.push(...excluding(slice(decode(row.payload), start, end + 1), finer));
      covered.push([Math.max(start, row.start_ms), Math.min(end, row.end_ms)]);
      fetchedAt = Math.max(fetchedAt, row.fetched_at);
      stepMs = Math.min(stepMs, row.step_ms);
      unit = row.unit as MetricUnit;
    }
    return { series: mergeByLabels(parts), covered, fetchedAt, stepMs, unit };
  }

  /** Drops data past retention, then the oldest fetches until the cache fits its size. */
  prune(now: number): void {
    this.db.prepare('DELETE FROM metric_chunks WHERE end_ms < ?').run(now - this.retentionMs);
    let total = (this.db.prepare('SELECT coalesce(sum(bytes), 0) FROM metric_chunks').pluck().get() as number) ?? 0;
    if (total <= this.maxBytes) return;
    const rows = this.db.prepare('SELECT id, bytes FROM metric_chunks ORDER BY fetched_at ASC').iterate() as IterableIterator<{ id: number; bytes: number }>;
    const doomed: number[] = [];
    for (const row of rows) {
      if (total <= this.maxBytes * 0.9) break;
      doomed.push(row.id);
      total -= row.bytes;
    }
    const drop = this.db.transaction((ids: number[]) => {
      for (const id of ids) this.deleteChunk.run(id);
    });
    drop(doomed);
  }

  /** Total compressed bytes and rows, for benchmarks and the about view. */
  size(): { bytes: number; chunks: number } {
    const row = this.db.prepare('SELECT coalesce(sum(bytes), 0) AS bytes, count(*) AS chunks FROM metric_chunks').get() as { bytes: number; chunks: number };
    return row;
  }

  private insert(queryKey: string, fetched: FetchedRange): void {
    if (fetched.end <= fetched.start) return;
    const payload = encode(fetched.series);
    this.insertChunk.run(queryKey, fetched.start, fetched.end, fetched.stepMs, fetched.fetchedAt, fetched.unit, payload.length, payload);
  }

  private maybePrune(now: number): void {
    this.writesSincePrune += 1;
    if (this.writesSincePrune < 200) return;
    this.writesSincePrune = 0;
    this.prune(now);
  }
}

interface ChunkRow {
  id: number;
  start_ms: number;
  end_ms: number;
  step_ms: number;
  fetched_at: number;
  unit: string;
  payload: Buffer;
}

function rowMeta(row: ChunkRow): Omit<FetchedRange, 'series'> {
  return { start: row.start_ms, end: row.end_ms, stepMs: row.step_ms, fetchedAt: row.fetched_at, unit: row.unit as MetricUnit };
}

/** The series' points outside every given range. */
function excluding(series: RawSeries[], ranges: Range[]): RawSeries[] {
  if (ranges.length === 0) return series;
  return series.map((s) => {
    const keep: number[] = [];
    for (let i = 0; i < s.t.length; i++) {
      const t = s.t[i] as number;
      if (!ranges.some(([a, b]) => t >= a && t <= b)) keep.push(i);
    }
    return { labels: s.labels, t: Float64Array.from(keep, (i) => s.t[i] as number), v: Float64Array.from(keep, (i) => s.v[i] as number) };
  });
}

/** The series' points with from <= t < to. */
function slice(series: RawSeries[], from: number, to: number): RawSeries[] {
  return series.map((s) => {
    let a = 0;
    while (a < s.t.length && (s.t[a] as number) < from) a++;
    let b = a;
    while (b < s.t.length && (s.t[b] as number) < to) b++;
    return { labels: s.labels, t: s.t.slice(a, b), v: s.v.slice(a, b) };
  });
}

export function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/** Joins parts of the same series (same labels), later parts winning at equal instants. */
export function mergeByLabels(parts: readonly RawSeries[]): RawSeries[] {
  const groups = new Map<string, RawSeries[]>();
  for (const part of parts) {
    const key = labelKey(part.labels);
    const list = groups.get(key);
    if (list) list.push(part);
    else groups.set(key, [part]);
  }
  return [...groups.values()].map((list) => {
    if (list.length === 1) return list[0] as RawSeries;
    const merged = mergeSeries(list);
    return { labels: (list[0] as RawSeries).labels, ...merged };
  });
}

/** [u32 header length][header JSON: labels and counts][Float64 times][Float64 values], deflated. */
function encode(series: RawSeries[]): Buffer {
  const header = Buffer.from(JSON.stringify(series.map((s) => [s.labels, s.t.length])), 'utf8');
  const total = series.reduce((n, s) => n + s.t.length, 0);
  const body = new Float64Array(total * 2);
  let offset = 0;
  for (const s of series) {
    body.set(s.t, offset);
    body.set(s.v, offset + s.t.length);
    offset += s.t.length * 2;
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return deflateRawSync(Buffer.concat([length, header, Buffer.from(body.buffer, body.byteOffset, body.byteLength)]), { level: 6 });
}

function decode(payload: Buffer): RawSeries[] {
  const raw = inflateRawSync(payload);
  const headerLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + headerLength).toString('utf8')) as [Record<string, string>, number][];
  // Copy so the Float64Array is 8-byte aligned whatever the header length.
  const bodyBytes = raw.subarray(4 + headerLength);
  const body = new Float64Array(bodyBytes.length / 8);
  new Uint8Array(body.buffer).set(bodyBytes);
  const out: RawSeries[] = [];
  let offset = 0;
  for (const [labels, n] of header) {
    out.push({ labels, t: body.slice(offset, offset + n), v: body.slice(offset + n, offset + 2 * n) });
    offset += 2 * n;
  }
  return out;
}
