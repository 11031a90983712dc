import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceSpec } from '../../world.js';
import type { User } from '../auth.js';
import type { SimulatedCluster } from '../cluster.js';
import type { ResourceType } from '../resources.js';
import { StatusError, badRequest } from '../status.js';
import type { IncludeObject } from '../table.js';
import type { Pod } from '../types.js';

/**
 * What every handler of the sandbox's API server shares: the request as routed (cluster,
 * user, resource), and the HTTP details of the Kubernetes wire format (JSON bodies, content
 * negotiation for Tables and PartialObjectMetadata, the request size limit).
 */

export interface KubeBackend {
  cluster(name: string): SimulatedCluster | undefined;
  usage(pod: Pod, cluster: string): { cpuMilli: number; memoryMi: number };
  serviceNetwork(cluster: string): string;
  /** The estate's service a pod belongs to, for the story its logs tell. */
  service(pod: Pod, cluster: string): ServiceSpec | undefined;
}

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  cluster: SimulatedCluster;
  user: User;
  backend: KubeBackend;
  /** Open long-lived responses (watches, followed logs), closed when the server stops. */
  watches: Set<() => void>;
}

export interface Target {
  resource: ResourceType;
  storeKey: string;
  namespace: string | undefined;
  name: string | undefined;
  sub: string | undefined;
  watchPath: boolean;
}

export type Rendering = { as: 'object' } | { as: 'table' } | { as: 'partial' };

// kube-apiserver's limit is 3 MiB for a request body; a little headroom for our own tests.
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  if (!text.trim()) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function negotiate(accept: string | undefined): Rendering {
  if (!accept) return { as: 'object' };
  let sawAcceptable = false;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((p) => p.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    sawAcceptable = true;
    const p = Object.fromEntries(params.map((x) => x.split('=').map((y) => y.trim()) as [string, string]));
    if (!p.as) return { as: 'object' };
    if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) return { as: 'table' };
    if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && p.g === 'meta.k8s.io') return { as: 'partial' };
  }
  if (!sawAcceptable && !/application\/(yaml|vnd\.kubernetes\.protobuf)/.test(accept)) return { as: 'object' };
  if (!sawAcceptable) throw new StatusError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
  return { as: 'object' };
}

export function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

export function listKind(r: ResourceType): string {
  return `${r.kind}List`;
}
