import type { MetricUnit } from '../../../shared/metrics/query.js';

/**
 * Numbers as an operator reads them: 412 ms not 0.412, 1.4 GiB not 1503238553, 250m not 0.25
 * cores. An axis picks one scale for all its ticks (from the largest value it shows), so ticks
 * read 0 · 200 ms · 400 ms rather than 0 · 200 ms · 0.4 s; single values pick their own.
 */

export interface Scale {
  /** Divide a raw value by this to get the number shown. */
  divisor: number;
  /** Appended to the number on ticks: "ms", "MiB", "%", "m". Empty for plain numbers. */
  suffix: string;
  /** Whether a space goes between number and suffix ("412 ms" but "45%" and "250m"). */
  spaced: boolean;
  /** Words for the axis caption and screen readers: "milliseconds", "millicores". */
  words: string;
}

const plain = (suffix: string, words: string, divisor = 1, spaced = true): Scale => ({ divisor, suffix, spaced, words });

const durationScales: Scale[] = [
  plain('µs', 'microseconds', 1e-6),
  plain('ms', 'milliseconds', 1e-3),
  plain('s', 'seconds', 1),
  plain('min', 'minutes', 60),
  plain('h', 'hours', 3600),
];

// Memory and storage are binary everywhere an operator looks (kubectl, free, CloudWatch agents).
const byteScales: Scale[] = [
  plain('B', 'bytes', 1),
  plain('KiB', 'kibibytes', 1024),
  plain('MiB', 'mebibytes', 1024 ** 2),
  plain('GiB', 'gibibytes', 1024 ** 3),
  plain('TiB', 'tebibytes', 1024 ** 4),
];

const siPrefixes: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

function pick(scales: Scale[], magnitude: number): Scale {
  // The largest unit the value is at least 1 of; tiny values use the smallest.
  let chosen = scales[0] as Scale;
  for (const scale of scales) if (magnitude >= scale.divisor * 0.9995) chosen = scale;
  return chosen;
}

function siScale(magnitude: number, unit: string, words: string): Scale {
  // The SI prefix sticks to the number ("1.2k"), a worded unit follows after a space ("1.2k req/s").
  const tail = unit === '' ? '' : unit.startsWith('/') ? unit : ` ${unit}`;
  for (const [divisor, prefix] of siPrefixes) {
    if (magnitude >= divisor * 0.9995) return { divisor, suffix: prefix + tail, spaced: false, words };
  }
  return { divisor: 1, suffix: tail, spaced: false, words };
}

/**
 * What a rate counts, when the panel says ("Request rate", "Traffic"): req/s reads better than
 * a bare "/s". A hint only: the unit from the engine decides the scale.
 */
export function rateNoun(title: string): string {
  if (/request|traffic|rps|throughput/i.test(title)) return 'req';
  if (/error|5xx|4xx|fail/i.test(title)) return 'err';
  return '';
}

/** The scale to show values up to `magnitude` (absolute) in. */
export function scaleFor(unit: MetricUnit | string, magnitude: number, noun = ''): Scale {
  const m = Math.abs(Number.isFinite(magnitude) ? magnitude : 0);
  switch (unit) {
    case 'seconds':
      return m === 0 ? (durationScales[1] as Scale) : pick(durationScales, m);
    case 'bytes':
      return pick(byteScales, m);
    case 'cores':
      // Kubernetes writes fractions of a core as millicores ("250m"); whole cores plainly.
      return m < 1 ? { divisor: 1e-3, suffix: 'm', spaced: false, words: 'millicores' } : { divisor: 1, suffix: '', spaced: false, words: 'cores' };
    case 'percent':
      return { divisor: 1, suffix: '%', spaced: false, words: 'percent' };
    case 'ratio':
      return { divisor: 0.01, suffix: '%', spaced: false, words: 'percent' };
    case 'rate':
      return siScale(m, noun ? `${noun}/s` : '/s', noun === 'req' ? 'requests per second' : 'per second');
    case 'count':
      return siScale(m, '', 'count');
    default:
      return siScale(m, '', '');
  }
}

/** Three significant digits, trailing zeros trimmed: 412, 41.2, 4.12, 0.412. */
export function formatNumber(n: number, digits = 3): string {
  if (n === 0 || !Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : String(n === 0 ? 0 : n);
  const abs = Math.abs(n);
  if (abs >= 10 ** digits) return Math.round(n).toLocaleString('en-US');
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return String(Number(n.toFixed(Math.min(decimals, 6))));
}

export function withScale(value: number, scale: Scale, digits = 3): string {
  const text = formatNumber(value / scale.divisor, digits);
  if (!scale.suffix) return text;
  return scale.spaced ? `${text} ${scale.suffix}` : `${text}${scale.suffix}`;
}

/** One value on its own: "412 ms", "1.4 GiB", "250m", "1.5 cores", "0.12%", "1.2k req/s". */
export function formatValue(value: number | null | undefined, unit: MetricUnit | string, noun = ''): string {
  if (value === null || value === undefined) return 'no data';
  const scale = scaleFor(unit, value, noun);
  const text = withScale(value, scale);
  // A bare "1.5" reads as nothing; say what it is.
  return unit === 'cores' && scale.suffix === '' ? `${text} core${value === 1 ? '' : 's'}` : text;
}

export interface Axis {
  /** Tick values in raw units, evenly spaced at round numbers of the display unit. */
  ticks: number[];
  domain: [number, number];
  scale: Scale;
  format(value: number): string;
}

/**
 * Y axis ticks at round numbers *of the unit shown* (0, 256 MiB, 512 MiB; 0, 200 ms, 400 ms),
 * which recharts' own ticks, round in raw units, would not give for bytes or durations.
 */
export function valueAxis(min: number, max: number, unit: MetricUnit | string, noun = '', count = 4): Axis {
  let lo = Number.isFinite(min) ? Math.min(0, min) : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (unit === 'ratio' && hi <= 1 && hi > 0.5) hi = 1;
  if (unit === 'percent' && hi <= 100 && hi > 50) hi = 100;
  if (hi <= lo) hi = lo + (unit === 'ratio' ? 0.01 : 1);
  const scale = scaleFor(unit, Math.max(Math.abs(lo), Math.abs(hi)), noun);
  const shownLo = lo / scale.divisor;
  const shownHi = hi / scale.divisor;
  const step = niceStep((shownHi - shownLo) / count, unit === 'bytes' && scale.divisor > 1);
  const first = Math.floor(shownLo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < shownHi + step * 0.999; v += step) ticks.push(Number((v * scale.divisor).toPrecision(12)));
  lo = ticks[0] ?? lo;
  hi = ticks[ticks.length - 1] ?? hi;
  const digits = Math.max(1, Math.min(4, significantDigitsFor(step, Math.max(Math.abs(shownLo), Math.abs(shownHi)))));
  return {
    ticks,
    domain: [lo, hi],
    scale,
    format: (value) => (value === 0 ? '0' : withScale(value, scale, digits)),
  };
}

/** A step of 1, 2, 2.5 or 5 × 10ⁿ (binary units: powers of two read better: 128, 256, 512). */
export function niceStep(raw: number, binary = false): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  if (binary && raw >= 1) {
    const p = 2 ** Math.ceil(Math.log2(raw));
    return p;
  }
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  // The nearest round step, not the next one up: 0–430 ms gets 100 ms ticks, not 200 ms ones.
  const nice = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
  return nice * power;
}

function significantDigitsFor(step: number, magnitude: number): number {
  if (step <= 0 || magnitude <= 0) return 3;
  return Math.floor(Math.log10(magnitude)) - Math.floor(Math.log10(step)) + 1 + (Number.isInteger(step / 10 ** Math.floor(Math.log10(step))) ? 0 : 1);
}

// ---- Time -------------------------------------------------------------------------------

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const timeSteps = [
  10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

const pad = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time, as the operator's own clock shows it. */
export function clockTime(t: number, withSeconds = false): string {
  const d = new Date(t);
  return withSeconds ? `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function dayLabel(t: number): string {
  const d = new Date(t);
  return `${weekdays[d.getDay()]} ${d.getDate()} ${months[d.getMonth()]}`;
}

/** "14:02:31" within a day-long window, "Tue 3 Mar 14:02" beyond. */
export function instantLabel(t: number, spanMs: number): string {
  return spanMs > DAY ? `${dayLabel(t)} ${clockTime(t)}` : clockTime(t, spanMs <= 6 * HOUR);
}

/**
 * Time ticks on round local boundaries (every 5 min, every hour, every day at midnight), about
 * one per `pixelsPerTick`, so the axis reads like a clock rather than like arithmetic.
 */
export function timeAxis(start: number, end: number, width: number, pixelsPerTick = 110): { ticks: number[]; format(t: number): string } {
  const span = Math.max(1, end - start);
  const wanted = Math.max(2, Math.floor(width / pixelsPerTick));
  const step = timeSteps.find((s) => span / s <= wanted) ?? 7 * DAY;
  // Align to local time: a 6-hour step lands on 00, 06, 12, 18 of the operator's own day.
  const offset = new Date(start).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((start - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= end; t += step) ticks.push(t);
  const format = (t: number) => {
    if (step >= DAY) return dayLabel(t);
    const d = new Date(t);
    // Midnight in a multi-day window names the day instead of saying 00:00.
    if (span > DAY && d.getHours() === 0 && d.getMinutes() === 0) return dayLabel(t);
    return clockTime(t, step < MINUTE);
  };
  return { ticks, format };
}

/** "15 min", "1 h", "6 h", "7 d", "2 h 30 min": a window's length in words. */
export function spanWords(ms: number): string {
  if (ms >= DAY && ms % DAY === 0) return `${ms / DAY} d`;
  if (ms >= HOUR) {
    const h = Math.floor(ms / HOUR);
    const m = Math.round((ms % HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.max(1, Math.round(ms / MINUTE))} min`;
}
