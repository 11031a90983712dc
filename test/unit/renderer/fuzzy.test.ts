import { describe, expect, it } from 'vitest';
import { fuzzyMatch, rankByFuzzy } from '../../../renderer/app/palette/fuzzy.js';

describe('the palette filter', () => {
  const commands = ['Go to Sources', 'Go to Settings', 'Go to About & help', 'Toggle light/dark theme', 'Theme: Dark'];

  it('finds a command from the first letters of its words', () => {
    expect(rankByFuzzy(commands, 'gts', (c) => c)[0]?.item).toBe('Go to Sources');
    expect(rankByFuzzy(commands, 'gtset', (c) => c)[0]?.item).toBe('Go to Settings');
  });

  it('ranks a word-start match above a mid-word one', () => {
    const ranked = rankByFuzzy(['Toggle light/dark theme', 'Theme: Dark'], 'thd', (c) => c);
    expect(ranked[0]?.item).toBe('Theme: Dark');
  });

  it('does not match when the letters are not all there in order', () => {
    expect(fuzzyMatch('zz', 'Go to Sources')).toBeNull();
    expect(fuzzyMatch('secruos', 'Go to Sources')).toBeNull();
  });

  it('still matches when jumping to a word start would strand the rest of the query', () => {
    expect(fuzzyMatch('xt', 'axt xa')?.positions).toEqual([1, 2]);
  });

  it('reports the positions it matched, for highlighting', () => {
    expect(fuzzyMatch('gs', 'Go to Sources')?.positions).toEqual([0, 6]);
  });

  it('keeps the given order for an empty query', () => {
    expect(rankByFuzzy(commands, '  ', (c) => c).map((r) => r.item)).toEqual(commands);
  });
});
