/**
 * How the simulated container runtime treats an image, decided by its tag alone so a drill
 * or a test can break a deploy with nothing but `kubectl set image`:
 * - a tag containing "bad", "broken" or "crash" pulls, starts, exits 1, and crash-loops;
 * - a tag containing "missing", "nonexistent" or "notfound" does not exist: ErrImagePull, then ImagePullBackOff;
 * - anything else runs.
 */
export type ImageBehavior = 'runs' | 'crashes' | 'missing';

export function imageBehavior(image: string): ImageBehavior {
  const lastSlash = image.lastIndexOf('/');
  const name = image.slice(lastSlash + 1).split('@')[0] ?? '';
  const colon = name.indexOf(':');
  const tag = colon >= 0 ? name.slice(colon + 1).toLowerCase() : 'latest';
  if (/bad|broken|crash/.test(tag)) return 'crashes';
  if (/missing|nonexistent|notfound/.test(tag)) return 'missing';
  return 'runs';
}

/** A stable fake digest per image, for imageID. */
export function imageDigest(image: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < image.length; i++) {
    h1 = Math.imul(h1 ^ image.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ image.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const hex = (h1.toString(16) + h2.toString(16)).padStart(16, '0');
  return `sha256:${hex.repeat(4)}`;
}
