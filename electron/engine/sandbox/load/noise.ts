/**
 * Seeded, stateless noise: the same seed, key and time always give the same value, so the
 * sandbox can answer for any moment in the past without having stored it.
 */

/** FNV-1a over a string, finished with a murmur-style avalanche so nearby keys diverge. */
export function hashKey(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

function avalanche(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform value in [0, 1) for a key hash and an integer step. */
export function unitAt(keyHash: number, step: number): number {
  const lo = step | 0;
  const hi = Math.floor(step / 4294967296) | 0;
  return avalanche(keyHash ^ Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ 0x7f4a7c15, 0x85ebca6b)) / 4294967296;
}

/**
 * Value noise in [-1, 1] with knots every `knotMs`, eased between knots so a series sampled
 * every few seconds moves smoothly instead of jumping.
 */
export function smoothNoise(keyHash: number, t: number, knotMs: number): number {
  const x = t / knotMs;
  const k = Math.floor(x);
  const f = x - k;
  const ease = f * f * (3 - 2 * f);
  const a = unitAt(keyHash, k);
  const b = unitAt(keyHash, k + 1);
  return (a + (b - a) * ease) * 2 - 1;
}
