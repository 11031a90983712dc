import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedPoll } from '../../../renderer/features/wallboard/paced-poll.js';

/** A query whose answer takes `cost()` ms of the fake clock, recording when each started. */
function query(cost: () => number) {
  const starts: number[] = [];
  let inFlight = 0;
  let overlapped = false;
  const task = () => {
    starts.push(Date.now());
    inFlight++;
    if (inFlight > 1) overlapped = true;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        inFlight--;
        resolve();
      }, cost()),
    );
  };
  return { task, starts, overlapped: () => overlapped };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a paced poll', () => {
  it('polls at its cadence while answers are quick', async () => {
    const q = query(() => 50);
    const poll = pacedPoll(1000, q.task, { now: () => Date.now() });
    await vi.advanceTimersByTimeAsync(5_500);
    poll.stop();
    expect(q.starts).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('rests four times what a slow answer took, so one screen takes at most a fifth of the engine', async () => {
    const q = query(() => 800);
    const poll = pacedPoll(1000, q.task, { now: () => Date.now() });
    await vi.advanceTimersByTimeAsync(19_000);
    poll.stop();
    const gaps = q.starts.slice(1).map((t, i) => t - q.starts[i]!);
    expect(gaps.every((g) => g === 800 + 4 * 800)).toBe(true);
    expect(q.starts.length).toBe(5);
    expect(q.overlapped()).toBe(false);
  });

  it('runs a refresh asked for at once, or right after the answer in flight, never two at a time', async () => {
    const q = query(() => 300);
    const poll = pacedPoll(1000, q.task, { now: () => Date.now() });
    await vi.advanceTimersByTimeAsync(100);
    poll.run(); // in flight: runs when it ends
    poll.run(); // asked twice meanwhile: still once
    await vi.advanceTimersByTimeAsync(400);
    expect(q.starts).toEqual([0, 300]);
    await vi.advanceTimersByTimeAsync(1_000);
    poll.run(); // idle, resting: at once
    expect(q.starts).toEqual([0, 300, 1500]);
    await vi.advanceTimersByTimeAsync(5_000);
    poll.stop();
    const count = q.starts.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(q.starts.length).toBe(count);
    expect(q.overlapped()).toBe(false);
  });

  it('keeps polling after a failed answer', async () => {
    let calls = 0;
    const poll = pacedPoll(
      1000,
      () => {
        calls++;
        return Promise.reject(new Error('engine unreachable'));
      },
      { now: () => Date.now() },
    );
    await vi.advanceTimersByTimeAsync(3_500);
    poll.stop();
    expect(calls).toBe(4);
  });
});
