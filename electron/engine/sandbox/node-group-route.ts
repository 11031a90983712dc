import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxWorld } from './world.js';

/**
 * Admin endpoints for practising an upgrade on the sandbox (behind the admin token, like every
 * /sandbox/ route):
 *   POST   /sandbox/clusters/<cluster>/node-groups   {"name", "kubeletVersion", "count"}  new nodes join Ready
 *   DELETE /sandbox/clusters/<cluster>/nodes/<node>                                    a drained node goes away
 *   POST   /sandbox/clusters/<cluster>/version        {"gitVersion"}                    the control plane upgraded
 */

const KUBE_VERSION = /^v1\.\d{1,3}\.\d{1,4}([-+][0-9A-Za-z.-]{1,60})?$/;
const nodeGroup = z.object({ name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'a node group name: lower-case letters, digits and -'), kubeletVersion: z.string().regex(KUBE_VERSION, 'a version like "v1.31.2"'), count: z.number().int().min(1).max(20) }).strict();
const controlPlane = z.object({ gitVersion: z.string().regex(KUBE_VERSION, 'a version like "v1.31.2"') }).strict();

export async function nodeGroupRoute(req: IncomingMessage, res: ServerResponse, url: URL, world: SandboxWorld): Promise<boolean> {
  const m = /^\/sandbox\/clusters\/([^/]+)\/(node-groups|nodes\/([^/]+)|version)\/?$/.exec(url.pathname);
  if (!m) return false;
  const send = (status: number, payload: object) => {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return true as const;
  };
  const cluster = decodeURIComponent(m[1] as string);
  if (!world.clusters.some((c) => c.name === cluster)) return send(404, { error: `No sandbox cluster "${cluster}".`, known: world.clusters.map((c) => c.name) });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) return send(413, { error: 'Body too large.' });
    chunks.push(chunk as Buffer);
  }
  const body = <S extends z.ZodType>(schema: S): z.output<S> | string => {
    try {
      const parsed = schema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      return parsed.success ? parsed.data : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch {
      return 'Body must be JSON.';
    }
  };
  try {
    if (m[2] === 'node-groups') {
      if (req.method !== 'POST') return send(405, { error: 'Use POST with {"name", "kubeletVersion", "count"}.' });
      const spec = body(nodeGroup);
      if (typeof spec === 'string') return send(400, { error: spec });
      return send(200, { nodes: world.addNodes(cluster, { nodegroup: spec.name, kubeletVersion: spec.kubeletVersion, count: spec.count }) });
    }
    if (m[2] === 'version') {
      if (req.method !== 'POST') return send(405, { error: 'Use POST with {"gitVersion"}.' });
      const spec = body(controlPlane);
      if (typeof spec === 'string') return send(400, { error: spec });
      world.setControlPlaneVersion(cluster, spec.gitVersion);
      return send(200, { gitVersion: spec.gitVersion });
    }
    if (req.method !== 'DELETE') return send(405, { error: 'Use DELETE.' });
    const node = decodeURIComponent(m[3] as string);
    world.removeNode(cluster, node);
    return send(200, { removed: node });
  } catch (error) {
    return send(409, { error: (error as Error).message });
  }
}
