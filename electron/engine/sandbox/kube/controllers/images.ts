/**
 * The simulated container registry every sandbox kubelet pulls from, and what a published
 * image does when it runs. An image the registry does not have fails to pull (ErrImagePull,
 * then ImagePullBackOff), whatever its name says; a published image runs, crashes on start
 * (exit 1), is OOM-killed, or runs and answers errors (a bad canary: Ready, but its requests
 * fail), as it was published. Which images exist:
 * - every image the seeded estate runs or ran (its workloads' current and previous images);
 * - the public images in PUBLIC_IMAGES below, at the tags listed there;
 * - whatever a scenario's `set-image` step or `POST /sandbox/registry/images` publishes.
 * A pod can override its images' behaviour with the label BEHAVIOUR_LABEL (`crash` or `oom`),
 * so a test or drill can break one pod without a new image.
 */
export type ImageBehaviour = 'runs' | 'crashes' | 'oom' | 'errors';

export const IMAGE_BEHAVIOURS: readonly ImageBehaviour[] = ['runs', 'crashes', 'oom', 'errors'];

/** Pod label that makes its containers crash (`crash`), be OOM-killed (`oom`) on start, or answer errors (`errors`). */
export const BEHAVIOUR_LABEL = 'sandbox.daytwo.dev/behaviour';

/** Public images people try first, at the tags the sandbox's registry mirrors. */
export const PUBLIC_IMAGES: Readonly<Record<string, readonly string[]>> = {
  'docker.io/library/nginx': ['latest', 'stable', 'alpine', '1.25', '1.25.5', '1.26', '1.26.2', '1.27', '1.27.2', '1.27-alpine'],
  'docker.io/library/busybox': ['latest', 'stable', '1.36', '1.36.1', '1.37'],
  'docker.io/library/alpine': ['latest', '3.19', '3.20', '3.21'],
  'docker.io/library/redis': ['latest', '6.0.5', '7.2', '7.2.5', '7.4'],
  'docker.io/library/postgres': ['latest', '15', '16', '16.4'],
  'docker.io/library/httpd': ['latest', '2.4'],
  'docker.io/curlimages/curl': ['latest', '8.10.1'],
  'registry.k8s.io/pause': ['3.9', '3.10'],
  'registry.k8s.io/e2e-test-images/agnhost': ['2.39', '2.52'],
  // Kubernetes' own guestbook tutorial (kubernetes.io/docs/tutorials/stateless-application/guestbook/).
  'us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower': ['v2'],
  'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend': ['v5'],
};

/** `nginx` → `docker.io/library/nginx:latest`, as containerd normalises a reference. */
export function normaliseImage(image: string): { repository: string; reference: string } {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  let repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : 'latest';
  const first = repository.split('/')[0] ?? '';
  const hasRegistry = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) repository = `docker.io/${repository.includes('/') ? repository : `library/${repository}`}`;
  // Docker Hub's official images live under library/ however they are spelt: docker.io/redis is docker.io/library/redis.
  else if ((first === 'docker.io' || first === 'index.docker.io') && repository.split('/').length === 2) repository = `docker.io/library/${repository.split('/')[1]}`;
  return { repository, reference: digest ?? tag };
}

export class ImageRegistry {
  private readonly images = new Map<string, ImageBehaviour>();

  constructor() {
    for (const [repository, tags] of Object.entries(PUBLIC_IMAGES)) for (const tag of tags) this.images.set(`${repository}:${tag}`, 'runs');
  }

  publish(image: string, behaviour: ImageBehaviour = 'runs'): void {
    const { repository, reference } = normaliseImage(image);
    this.images.set(`${repository}:${reference}`, behaviour);
  }

  /** What a published image does, or undefined when the registry does not have it. */
  behaviour(image: string): ImageBehaviour | undefined {
    const { repository, reference } = normaliseImage(image);
    const found = this.images.get(`${repository}:${reference}`);
    if (found || !reference.startsWith('sha256:')) return found;
    // A pinned digest resolves to the repository's published build: the sandbox keeps one
    // build per tag and does not model which digest is which.
    for (const [key, behaviour] of this.images) if (key.startsWith(`${repository}:`)) return behaviour;
    return undefined;
  }

  /** The behaviour a pod's container has: the pod's label first, then its image's. */
  behaviourOf(image: string, podLabels: Readonly<Record<string, string>> | undefined): ImageBehaviour | undefined {
    const published = this.behaviour(image);
    if (!published) return undefined;
    const label = podLabels?.[BEHAVIOUR_LABEL];
    if (label === 'crash') return 'crashes';
    if (label === 'oom') return 'oom';
    if (label === 'errors') return 'errors';
    return published;
  }

  list(): { image: string; behaviour: ImageBehaviour }[] {
    return [...this.images].map(([image, behaviour]) => ({ image, behaviour })).sort((a, b) => a.image.localeCompare(b.image));
  }
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
