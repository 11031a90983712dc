/**
 * Production-context patterns: the one matcher the engine's guardrail and the settings view
 * share. They are globs, not regular expressions: a pattern comes from settings, and a
 * backtracking regex from settings can block the engine's event loop (`^(a|a)*Z$` against a
 * 28-character name took 1.9 s, doubling per character). A glob is matched here in at most
 * pattern × name steps, whatever it says.
 *
 * Syntax: `*` matches any run of characters (also none), `?` exactly one, everything else
 * itself, case-insensitively, against the whole context name. `*prod*` is "contains prod".
 */

/** Characters that only mean something in a regular expression; a pattern may not use them. */
const regexOnly = /[\^$()|[\]{}+\\]/;

export const maxPatternLength = 200;
export const maxPatterns = 50;

/** Why a string cannot be a production pattern, or null if it can. */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'Type a pattern first.';
  if (pattern.length > maxPatternLength) return `A pattern can be at most ${maxPatternLength} characters.`;
  const bad = regexOnly.exec(pattern);
  if (bad) {
    return `Patterns are globs: * matches any run of characters and ? one character; "${bad[0]}" is regular-expression syntax, which is not supported.`;
  }
  return null;
}

/**
 * Whole-name glob match, case-insensitive. The classic two-cursor walk: on a mismatch it
 * returns to the last `*` and lets it swallow one more character, so each `*` is retried at
 * most name-length times and there is no nested backtracking.
 */
export function globMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const s = name.toLowerCase();
  let pi = 0;
  let si = 0;
  let star = -1;
  let resume = 0;
  while (si < s.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      resume = si;
    } else if (c !== undefined && (c === '?' || c === s[si])) {
      pi++;
      si++;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

export function isProductionContext(context: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => globMatches(pattern, context));
}

/**
 * Settings written before patterns were globs held case-insensitive regexes matched anywhere
 * in the name. This turns one into globs that match at least what it matched: when a construct
 * has no glob equivalent it becomes `*`, because a pattern that catches too much asks for a
 * typed confirmation too often, while one that catches too little lets production through.
 */
export function globsFromLegacyRegex(source: string): string[] {
  // A top-level alternation is a list of patterns.
  if (source.includes('|') && !/[()[\]]/.test(source)) {
    return [...new Set(source.split('|').flatMap((part) => (part === '' ? [] : globsFromLegacyRegex(part))))];
  }
  let body = source;
  const anchoredStart = body.startsWith('^');
  if (anchoredStart) body = body.slice(1);
  const anchoredEnd = body.endsWith('$') && !body.endsWith('\\$');
  if (anchoredEnd) body = body.slice(0, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    const next = body[i + 1];
    if (c === '\\' && next !== undefined) {
      // \d, \w, \s and friends are classes: any character will do. \. \- are literals.
      out += /[A-Za-z0-9]/.test(next) ? '*' : next;
      i++;
    } else if (c === '.') {
      if (next === '*' || next === '+') {
        out += '*';
        i++;
      } else {
        out += '?';
      }
    } else if (c === '*' || c === '+' || c === '?') {
      // A quantified atom may repeat or vanish: the atom and its quantifier become `*`.
      out = `${out.slice(0, -1)}*`;
    } else if (c === '{') {
      // {m,n} repeats the atom before it, possibly zero times.
      const close = body.indexOf('}', i);
      i = close < 0 ? body.length : close;
      out = `${out.slice(0, -1)}*`;
    } else if (c === '[' || c === '(') {
      // A class or a group (which may be optional or an alternation) is one `*`, with its quantifier.
      i = closingIndex(body, i);
      if ('*+?'.includes(body[i + 1] ?? 'x')) i++;
      out += '*';
    } else if (')]}|^$'.includes(c)) {
      out += '*';
    } else {
      out += c;
    }
  }
  const glob = `${anchoredStart ? '' : '*'}${out}${anchoredEnd ? '' : '*'}`.replace(/\*{2,}/g, '*');
  return [glob.slice(0, maxPatternLength)];
}

/** Where the class or group opening at `open` ends (the end of the text if it never does). */
function closingIndex(text: string, open: number): number {
  if (text[open] === '[') {
    const close = text.indexOf(']', open + 2);
    return close < 0 ? text.length : close;
  }
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}
