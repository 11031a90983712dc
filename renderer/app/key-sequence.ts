/**
 * Two-key shortcuts ("g s") the way GitHub and Linear do them: the first key arms, the second
 * must follow within a moment, anything else disarms.
 */
export interface KeyBinding<A> {
  /** Space-separated keys as KeyboardEvent.key reports them, e.g. "g s" or "?". */
  keys: string;
  action: A;
}

export function createKeySequence<A>(bindings: readonly KeyBinding<A>[], windowMs = 1200) {
  let pending: string[] = [];
  let pendingAt = 0;
  return {
    /** Feed one key press; returns the action it completes, or null. */
    press(key: string, at: number): A | null {
      if (pending.length > 0 && at - pendingAt > windowMs) pending = [];
      const typed = [...pending, key];
      const exact = bindings.find((b) => b.keys.split(' ').join('\u0000') === typed.join('\u0000'));
      if (exact) {
        pending = [];
        return exact.action;
      }
      const prefix = bindings.some((b) => {
        const parts = b.keys.split(' ');
        return parts.length > typed.length && typed.every((k, i) => parts[i] === k);
      });
      if (prefix) {
        pending = typed;
        pendingAt = at;
      } else if (pending.length > 0) {
        pending = [];
        // The key that broke a sequence may start a new one.
        return this.press(key, at);
      }
      return null;
    },
    reset(): void {
      pending = [];
    },
  };
}
