/**
 * How long to wait before reconnecting attempt n (0-based): exponential with "equal jitter",
 * so many windows that lost the same engine do not all knock at the same instant.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const baseMs = 500;
  const capMs = 15_000;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
