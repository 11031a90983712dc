/**
 * One line of the pods/log wire format with `timestamps=true`: the kubelet prefixes every line
 * with its RFC3339Nano time and a space (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#get-read-log-of-the-specified-pod).
 * RFC3339Nano drops trailing zeros ("…:05.1Z" and "…:05.123456789Z"), so stamps are normalised
 * to nine fraction digits in UTC, which sort correctly as text: merging and deduplication
 * compare these, never Date values, which keep only milliseconds.
 */
export interface ParsedLogLine {
  /** `2026-11-30T03:44:17.123456789Z`, or '' when the line carried no timestamp. */
  stamp: string;
  /** Epoch ms, or null without a timestamp. */
  time: number | null;
  text: string;
}

const stampPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) /;

export function parseLogLine(raw: string): ParsedLogLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const match = stampPattern.exec(line);
  if (!match) return { stamp: '', time: null, text: line };
  const [prefix, seconds, fraction = '', zone] = match as unknown as [string, string, string | undefined, string];
  const wholeSeconds = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(wholeSeconds)) return { stamp: '', time: null, text: line };
  const nanos = fraction.padEnd(9, '0');
  const utc = new Date(wholeSeconds).toISOString().slice(0, 19);
  return {
    stamp: `${utc}.${nanos}Z`,
    time: wholeSeconds + Number(nanos.slice(0, 3)),
    text: line.slice(prefix.length),
  };
}

/**
 * The `sinceTime` to resume a cut stream from. The API takes whole seconds (metav1.Time is
 * RFC3339), so the resumed stream repeats the lines of the last second; the caller drops those
 * it has already seen.
 */
export function resumeSinceTime(stamp: string): string {
  return `${stamp.slice(0, 19)}Z`;
}

/**
 * Splits a byte stream into lines. A chunk may end mid-line (or mid-character), so the tail is
 * kept until the next chunk or the end; a line longer than `maxLineBytes` is cut, so one
 * runaway line cannot hold the engine's memory.
 */
export class LineSplitter {
  private pending = '';
  private decoder = new TextDecoder('utf-8');

  constructor(private readonly maxLineChars = 64 * 1024) {}

  push(chunk: Uint8Array): string[] {
    const text = this.pending + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    if (this.pending.length > this.maxLineChars) {
      lines.push(this.pending.slice(0, this.maxLineChars));
      this.pending = '';
    }
    return lines.map((line) => (line.length > this.maxLineChars ? line.slice(0, this.maxLineChars) : line));
  }

  /** What is left when the stream ends: a last line without a newline. */
  end(): string[] {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return rest.length > 0 ? [rest] : [];
  }

  /** Forgets a partial line: a resumed stream starts its lines afresh. */
  reset(): void {
    this.pending = '';
    this.decoder = new TextDecoder('utf-8');
  }
}
