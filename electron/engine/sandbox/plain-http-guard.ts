import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, sendError } from './cloudwatch/protocol.js';

/**
 * Who may reach the sandbox's cloud side (CloudWatch, /metrics, the /sandbox/ admin endpoints),
 * which speaks plain HTTP on loopback. Two checks, as host mode makes them:
 *
 * - Host must name our loopback address. A web page that rebinds its own DNS name to 127.0.0.1
 *   sends its own name as Host; refusing it keeps pages out (the DNS-rebinding defence).
 * - A credential: the admin endpoints take the launch's bearer token (written to `admin-token`
 *   beside the kubeconfig); CloudWatch calls are SigV4-signed by the SDK, and the access key id
 *   in their Authorization header must be this launch's, from the profile the sandbox wrote
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html). The signature
 *   itself is not recomputed: the key id is what tells our clients from anyone else.
 */

export type CloudRoute = 'cloudwatch' | 'metrics' | 'admin';

export interface PlainHttpGuardOptions {
  /** The port the sandbox listens on, once known. */
  port: () => number;
  adminToken: string;
  awsAccessKeyId: string;
}

export type PlainHttpGuard = (route: CloudRoute, req: IncomingMessage, res: ServerResponse) => boolean;

/** True when the request may go on; otherwise it has been answered (403 or 401). */
export function plainHttpGuard(options: PlainHttpGuardOptions): PlainHttpGuard {
  return (route, req, res) => {
    const port = options.port();
    const host = (req.headers.host ?? '').toLowerCase();
    if (![`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)) {
      refuse(res, 403, `Host "${req.headers.host ?? ''}" is not this sandbox's loopback address.`);
      return false;
    }
    if (route === 'metrics') return true;
    if (route === 'admin') {
      const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (presented !== undefined && same(presented, options.adminToken)) return true;
      refuse(res, 401, 'The sandbox admin endpoints need its token: Authorization: Bearer <the admin-token file beside the kubeconfig>.');
      return false;
    }
    const authorization = req.headers.authorization;
    if (!authorization) {
      sendError(res, errors.missingAuthentication());
      return false;
    }
    const keyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
    if (keyId !== undefined && same(keyId, options.awsAccessKeyId)) return true;
    sendError(res, errors.invalidClientTokenId());
    return false;
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
