/**
 * ANSI colour (SGR) escape sequences in log lines turned into styled text runs, so coloured
 * logs read as they do in a terminal while every character stays text: the renderer draws runs
 * as <span>s with a class, never as HTML. Other escape sequences (cursor moves, titles, OSC
 * links) are removed. SGR codes: https://en.wikipedia.org/wiki/ANSI_escape_code#SGR
 */
export interface AnsiStyle {
  /** 0–15 for the basic and bright colours, 16–255 for the xterm palette, or '#rrggbb'. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiRun {
  text: string;
  style: AnsiStyle;
}

// CSI … final byte, OSC … BEL/ST, and lone two-byte escapes.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const escapePattern = /\u001b(?:\[([0-9;:?]*)([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

export function hasAnsi(text: string): boolean {
  return text.includes('\u001b');
}

export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(escapePattern, '') : text;
}

export function parseAnsi(text: string): AnsiRun[] {
  if (!hasAnsi(text)) return [{ text, style: {} }];
  const runs: AnsiRun[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  for (const match of text.matchAll(escapePattern)) {
    const index = match.index;
    if (index > last) runs.push({ text: text.slice(last, index), style });
    last = index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  if (last < text.length) runs.push({ text: text.slice(last), style });
  return runs.filter((run) => run.text.length > 0);
}

function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let style = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) style = {};
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) delete style.fg;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) delete style.bg;
    else if (code === 38 || code === 48) {
      const which = code === 38 ? 'fg' : 'bg';
      if (codes[i + 1] === 5 && codes[i + 2] !== undefined) {
        style[which] = Math.max(0, Math.min(255, codes[i + 2] ?? 0));
        i += 2;
      } else if (codes[i + 1] === 2 && codes[i + 4] !== undefined) {
        const hex = [codes[i + 2], codes[i + 3], codes[i + 4]].map((c) => Math.max(0, Math.min(255, c ?? 0)).toString(16).padStart(2, '0')).join('');
        style[which] = `#${hex}`;
        i += 4;
      }
    }
  }
  return style;
}
