import { expect } from 'vitest';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text format: HELP/TYPE before samples, escapes undone, families contiguous. */
export function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const closed = new Set<string>();
  let current = '';
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const family = meta[2] as string;
      if (meta[1] === 'TYPE') {
        expect(types.has(family), `TYPE for ${family} twice`).toBe(false);
        types.set(family, meta[3] as string);
      }
      if (current !== family) {
        if (current) closed.add(current);
        expect(closed.has(family), `${family} split in two`).toBe(false);
        current = family;
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `bad line: ${line}`).not.toBeNull();
    const name = m![1] as string;
    const family = name.replace(/_(bucket|sum|count)$/, '');
    expect(family === current || name === current, `${name} outside its family ${current}`).toBe(true);
    const labels: Record<string, string> = {};
    const pairRe = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    let rest = m![2] ?? '';
    let pm: RegExpExecArray | null;
    let consumed = 0;
    while ((pm = pairRe.exec(rest))) {
      labels[pm[1] as string] = (pm[2] as string).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed += pm[0].length;
    }
    expect(consumed).toBe(rest.length);
    rest = '';
    samples.push({ name, labels, value: Number(m![3]) });
  }
  return { samples, types };
}

