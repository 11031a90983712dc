import { describe, expect, it } from 'vitest';
import { pinnedLogNote } from '../../../shared/logs/pinned-line.js';

describe('a log line pinned to an incident', () => {
  it('lands at the time the kubelet stamped it, says where it came from, and drops colour codes', () => {
    const line = { pod: 'checkout-7d9f-2xkqp', container: 'checkout', time: 1_764_475_260_123, stamp: '2025-11-30T04:01:00.123456789Z', text: '\u001b[31mpanic:\u001b[0m nil map' };
    const note = pinnedLogNote(line, 'checkout');
    expect(note.occurredAt).toBe(1_764_475_260_123);
    expect(note.text).toBe('Log line of checkout (checkout-7d9f-2xkqp/checkout, 2025-11-30T04:01:00.123456789Z):\npanic: nil map');
  });

  it('is noted now when the line carried no timestamp, and a huge line is cut with a word', () => {
    const note = pinnedLogNote({ pod: 'p', container: 'c', time: null, stamp: '', text: 'x'.repeat(10_000) }, 'p');
    expect(note.occurredAt).toBeUndefined();
    expect(note.text.length).toBeLessThan(4_200);
    expect(note.text).toMatch(/cut at 4,000 characters\)$/);
  });
});
