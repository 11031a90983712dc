import { describe, expect, it } from 'vitest';
import { createKeySequence } from '../../../renderer/app/key-sequence.js';

describe('two-key shortcuts', () => {
  const bindings = [
    { keys: 'g s', action: 'sources' },
    { keys: 'g ,', action: 'settings' },
    { keys: '?', action: 'help' },
  ];

  it('completes "g s" pressed within the window', () => {
    const keys = createKeySequence(bindings, 1000);
    expect(keys.press('g', 0)).toBeNull();
    expect(keys.press('s', 500)).toBe('sources');
  });

  it('forgets a "g" pressed too long ago', () => {
    const keys = createKeySequence(bindings, 1000);
    keys.press('g', 0);
    expect(keys.press('s', 1500)).toBeNull();
  });

  it('fires single keys at once, and lets a key that breaks a sequence start its own', () => {
    const keys = createKeySequence(bindings, 1000);
    expect(keys.press('?', 0)).toBe('help');
    keys.press('g', 10);
    expect(keys.press('?', 20)).toBe('help');
    expect(keys.press('s', 30)).toBeNull();
  });

  it('disarms after reset (focus moved into a text field)', () => {
    const keys = createKeySequence(bindings, 1000);
    keys.press('g', 0);
    keys.reset();
    expect(keys.press(',', 10)).toBeNull();
  });
});
