/**
 * PagerDuty limits REST API calls per token over a rolling minute and answers 429 when a token
 * goes over (https://developer.pagerduty.com/docs/rest-api-rate-limits). The sandbox keeps a
 * fixed window per token and says in Retry-After how many seconds remain in it, so a client
 * that honours the header succeeds on its next try. Tests shrink the limit through
 * /sandbox/pagerduty/rate-limit to meet a 429 in a few calls.
 */
export class TokenRateLimit {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private requests = 960,
    private windowMs = 60_000,
  ) {}

  configure(requests: number, windowMs: number): void {
    this.requests = requests;
    this.windowMs = windowMs;
    this.windows.clear();
  }

  get settings(): { requests: number; windowSeconds: number } {
    return { requests: this.requests, windowSeconds: this.windowMs / 1000 };
  }

  /** Counts one call; returns the seconds to wait when the token is over its limit, else null. */
  take(token: string, now: number): number | null {
    let window = this.windows.get(token);
    if (!window || now - window.startedAt >= this.windowMs) {
      window = { startedAt: now, count: 0 };
      this.windows.set(token, window);
    }
    if (window.count >= this.requests) return Math.max(1, Math.ceil((window.startedAt + this.windowMs - now) / 1000));
    window.count++;
    return null;
  }
}
