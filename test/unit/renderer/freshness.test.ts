import { describe, expect, it } from 'vitest';
import { describeFreshness, formatAge } from '../../../renderer/app/freshness.js';

const now = Date.UTC(2025, 0, 1, 12, 0, 0);
const minute = 60_000;

describe('how fresh a source is, in words', () => {
  it('reads ages the way an operator says them', () => {
    expect(formatAge(3_000)).toBe('just now');
    expect(formatAge(25_000)).toBe('25 s ago');
    expect(formatAge(4 * minute + 59_000)).toBe('4 min ago');
    expect(formatAge(3 * 60 * minute)).toBe('3 h ago');
    expect(formatAge(3 * 24 * 60 * minute)).toBe('3 d ago');
    expect(formatAge(-5_000)).toBe('just now');
  });

  it('says "live" for a live source, and when it was last seen for the others', () => {
    expect(describeFreshness({ state: 'live', lastSyncAt: now - 1000 }, now)).toBe('live');
    expect(describeFreshness({ state: 'offline', lastSyncAt: now - 4 * minute }, now)).toBe('offline · last seen 4 min ago');
    expect(describeFreshness({ state: 'error', lastSyncAt: null }, now)).toBe('error · never synced');
    expect(describeFreshness({ state: 'disabled', lastSyncAt: now }, now)).toBe('disabled');
  });

  it('does not claim "live" while the engine itself is out of reach', () => {
    expect(describeFreshness({ state: 'live', lastSyncAt: now - 1000 }, now, now - 2 * minute)).toBe('live as of 2 min ago');
  });
});
