/**
 * A query polled every `everyMs` that never overtakes itself and is paced by what it costs: after
 * an answer that took `t` ms, the next poll waits at least `restFactor × t`. A wall screen polls
 * the focused incident's timeline every second, and at 50,000 events an answer takes the engine
 * most of a second (test/bench/incident-timeline.js): unpaced, one screen kept the engine busy
 * for the operators at their consoles. A run asked for (`run`, when a note lands or the focus
 * moves) goes at once, or as soon as the one in flight ends.
 */
export interface PacedPoll {
  run(): void;
  stop(): void;
}

export interface PacedPollOptions {
  /** Rest after each answer, in multiples of how long it took. */
  restFactor?: number;
  now?: () => number;
}

export function pacedPoll(everyMs: number, task: () => Promise<void>, options: PacedPollOptions = {}): PacedPoll {
  const restFactor = options.restFactor ?? 4;
  const now = options.now ?? (() => performance.now());
  let stopped = false;
  let busy = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const schedule = (delay: number) => {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, delay));
  };

  function run(): void {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    if (timer !== null) clearTimeout(timer);
    timer = null;
    busy = true;
    const started = now();
    // The task reports its own failures; a rejection here must not stop the polling.
    void task()
      .catch(() => {})
      .finally(() => {
        busy = false;
        const took = now() - started;
        if (again) {
          again = false;
          run();
          return;
        }
        schedule(Math.max(everyMs - took, restFactor * took));
      });
  }

  run();
  return {
    run,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
