import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../../shared/api/incidents.js';
import { nextInRotation, panelAge, sinceClock, utcClock, wallItems } from '../../../renderer/features/wallboard/wallboard-words.js';

function item(id: string, extra: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id,
    kind: 'note',
    what: id,
    detail: '',
    entityId: null,
    source: 'ana',
    severity: 'info',
    occurredAt: 0,
    recordedAt: 0,
    late: false,
    starred: false,
    hidden: false,
    originalOccurredAt: null,
    ...extra,
  };
}

describe('the wallboard, as the room reads it', () => {
  it('shows the UTC wall clock and the time since detection', () => {
    const detected = Date.UTC(2026, 10, 30, 13, 0, 0);
    expect(utcClock(detected + 3_723_000)).toBe('14:02:03');
    expect(sinceClock(detected, detected + 3_723_000)).toBe('T+01:02:03');
    expect(sinceClock(detected, detected + 86_400_000 + 5000)).toBe('T+1d 00:00:05');
    expect(sinceClock(detected, detected - 5000)).toBe('T+00:00:00');
  });

  it('says how old a panel is, and past three missed refreshes (at least 30 s) that it has aged', () => {
    expect(panelAge(null, 1000, 1000)).toEqual({ aged: true, words: 'no data yet' });
    expect(panelAge(0, 5000, 1000)).toEqual({ aged: false, words: 'updated 5 s ago' });
    expect(panelAge(0, 31_000, 1000)).toEqual({ aged: true, words: 'last update 31 s ago' });
    expect(panelAge(0, 120_000, 15_000)).toEqual({ aged: true, words: 'last update 2 min ago' });
    expect(panelAge(0, 40_000, 15_000).aged).toBe(false);
  });

  it('never puts a secret-marked or hidden item on the wall, and keeps the latest ones', () => {
    const items = [item('a'), item('b', { secret: true }), item('c', { hidden: true }), item('d'), item('e')];
    expect(wallItems(items, 2).map((i) => i.id)).toEqual(['d', 'e']);
    expect(wallItems(items, 10).map((i) => i.id)).toEqual(['a', 'd', 'e']);
  });

  it('rotates through the open incidents and wraps round', () => {
    expect(nextInRotation([], null)).toBeNull();
    expect(nextInRotation(['a', 'b'], null)).toBe('a');
    expect(nextInRotation(['a', 'b'], 'a')).toBe('b');
    expect(nextInRotation(['a', 'b'], 'b')).toBe('a');
    expect(nextInRotation(['a', 'b'], 'gone')).toBe('a');
  });
});
