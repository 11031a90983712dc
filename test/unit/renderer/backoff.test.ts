import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../../../renderer/api/backoff.js';

describe('reconnect backoff', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    expect(reconnectDelay(40, () => 1)).toBe(15_000);
    expect(reconnectDelay(40, () => 0)).toBe(7500);
  });
});
