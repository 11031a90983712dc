import type { ReactNode } from 'react';
import type { LogLine } from '../../../shared/api/logs.js';
import { parseAnsi } from '../../../shared/logs/ansi.js';
import type { AnsiStyle } from '../../../shared/logs/ansi.js';

export type ClockMode = 'off' | 'utc' | 'local' | 'both';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `03:44:17.123` in UTC, from the kubelet's stamp (which keeps nanoseconds we do not need on screen). */
export function utcClock(line: LogLine): string {
  return line.stamp ? line.stamp.slice(11, 23) : '';
}

/** The same instant on the operator's clock, with the date when it is not today. */
export function localClock(line: LogLine, today = new Date()): string {
  if (line.time === null) return '';
  const d = new Date(line.time);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return d.toDateString() === today.toDateString() ? time : `${d.getMonth() + 1}/${d.getDate()} ${time}`;
}

/** xterm's 256-colour palette beyond the 16 themed colours: a 6×6×6 cube, then 24 greys. */
function paletteColour(index: number): string {
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level} ${level} ${level})`;
  }
  const cube = index - 16;
  const level = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return `rgb(${level(Math.floor(cube / 36))} ${level(Math.floor(cube / 6) % 6)} ${level(cube % 6)})`;
}

function styleOf(style: AnsiStyle): { className: string; css: Record<string, string> | undefined } {
  const classes: string[] = [];
  const css: Record<string, string> = {};
  if (typeof style.fg === 'number' && style.fg < 16) classes.push(`ansi-fg-${style.fg}`);
  else if (typeof style.fg === 'number') css['color'] = paletteColour(style.fg);
  else if (typeof style.fg === 'string') css['color'] = style.fg;
  if (typeof style.bg === 'number' && style.bg < 16) classes.push(`ansi-bg-${style.bg}`);
  else if (typeof style.bg === 'number') css['backgroundColor'] = paletteColour(style.bg);
  else if (typeof style.bg === 'string') css['backgroundColor'] = style.bg;
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return { className: classes.join(' '), css: Object.keys(css).length > 0 ? css : undefined };
}

/** Splits text around case-insensitive matches of `query`, marking each match. */
function highlighted(text: string, query: string, keyPrefix: string): ReactNode[] {
  if (!query) return [text];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const out: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) out.push(text.slice(from, at));
    out.push(
      <mark key={`${keyPrefix}-${at}`} className="log-match">
        {text.slice(at, at + needle.length)}
      </mark>,
    );
    from = at + needle.length;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * One log line's text: ANSI colours as classed spans, search matches as <mark>, every
 * character a React text node. Nothing from the line is ever parsed as HTML.
 */
export function LogText({ text, query }: { text: string; query: string }) {
  const runs = parseAnsi(text);
  return (
    <>
      {runs.map((run, i) => {
        const { className, css } = styleOf(run.style);
        const content = highlighted(run.text, query, String(i));
        return className || css ? (
          <span key={i} className={className || undefined} style={css}>
            {content}
          </span>
        ) : (
          <span key={i}>{content}</span>
        );
      })}
    </>
  );
}
