import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { IMAGE_BEHAVIOURS, type ImageBehaviour } from './kube/controllers/images.js';
import type { SandboxWorld } from './world.js';

/**
 * POST /sandbox/registry/images {"image": "ghcr.io/acme/api:1.2.3", "behaviour": "runs"}:
 * publishes an image to the simulated registry, so `kubectl set image` to it pulls
 * (behaviour: runs, crashes, oom or errors; runs when omitted). Unpublished images fail to pull.
 */

const body = z
  .object({
    image: z.string().min(1).max(512).regex(/^[^\s]+$/, 'an image reference has no spaces'),
    behaviour: z.enum(IMAGE_BEHAVIOURS as [ImageBehaviour, ...ImageBehaviour[]]).default('runs'),
  })
  .strict();

export async function registryRoute(req: IncomingMessage, res: ServerResponse, world: SandboxWorld): Promise<true> {
  const send = (status: number, payload: object) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return true as const;
  };
  if (req.method !== 'POST') return send(405, { error: 'Use POST with {"image": "...", "behaviour": "runs|crashes|oom|errors"}.' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return send(413, { error: 'Body too large.' });
    chunks.push(chunk as Buffer);
  }
  let parsed: z.infer<typeof body>;
  try {
    parsed = body.parse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
  } catch (e) {
    return send(400, { error: e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'Body must be JSON.' });
  }
  world.publishImage(parsed.image, parsed.behaviour);
  return send(200, { published: parsed.image, behaviour: parsed.behaviour });
}
