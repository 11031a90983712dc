import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { httpStatusFor } from '../../shared/api/errors.js';
import type { ApiErrorBody } from '../../shared/api/errors.js';
import type { ServerFrame } from '../../shared/api/transport.js';
import type { Caller, Router } from '../engine/api/router.js';
import type { ScreenGrant, ScreenLinks } from '../engine/screens/screen-links.js';
import {
  bearerToken,
  contentSecurityPolicy,
  hostAllowed,
  newToken,
  originAllowed,
  tokenMatches,
  wsProtocol,
  wsTokenPrefix,
} from './security.js';
import { readStaticFile } from './static-files.js';

export interface HostServerOptions {
  router: Router;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random per launch otherwise. */
  token?: string;
  /** Screen links: tokens for wall displays, read-only whatever mode the host runs in. */
  screens?: Pick<ScreenLinks, 'authenticate' | 'onEnd'>;
  log?: (line: string) => void;
}

export interface HostServer {
  readonly port: number;
  readonly token: string;
  readonly url: string;
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;
/** How much of an over-size body is read and dropped before the connection is cut. */
const discardLimitBytes = 64 * maxBodyBytes;

const ClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), id: z.string().min(1).max(64), topic: z.string().max(200), params: z.unknown() }),
  z.object({ type: z.literal('unsubscribe'), id: z.string().min(1).max(64) }),
]);

const securityHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/**
 * Host mode: the built renderer and the API on loopback only. Every API request needs the
 * per-launch token; every request must name our loopback authority in Host.
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const token = options.token ?? newToken();
  const { router } = options;
  let port = options.port;

  /** The operator's token, or a live screen link's; undefined when neither. */
  function callerFor(presented: string | undefined, transport: Caller['transport']): Caller | undefined {
    if (tokenMatches(presented, token)) return { transport };
    const grant: ScreenGrant | null | undefined = presented === undefined ? null : options.screens?.authenticate(presented);
    return grant ? { transport, screen: grant } : undefined;
  }

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      options.log?.(`request failed: ${String(error)}`);
      if (!res.headersSent) sendError(res, { code: 'internal', message: 'The request failed inside Daytwo.' });
      else res.destroy();
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, port)) {
      sendError(res, { code: 'forbidden', message: `Host "${req.headers.host ?? ''}" is not this Daytwo's loopback address.` });
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url.pathname.slice('/api/'.length));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', ...securityHeaders }).end();
      return;
    }
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Security-Policy': contentSecurityPolicy(`http://127.0.0.1:${port}`),
      'Cache-Control': 'no-cache',
      ...securityHeaders,
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, method: string): Promise<void> {
    const caller = callerFor(bearerToken(req.headers), 'http');
    if (!caller) {
      sendError(res, { code: 'unauthorized', message: 'Missing or wrong token: use the URL Daytwo printed at start.' });
      return;
    }
    if (req.method !== 'POST') {
      sendError(res, { code: 'bad_request', message: `Call API methods with POST /api/${method}.` });
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(type)) {
      sendError(res, { code: 'bad_request', message: 'Send the parameters as a JSON body (Content-Type: application/json).' });
      return;
    }
    const body = await readBody(req);
    if (body === 'too_large') {
      sendJson(res, 413, { error: { code: 'bad_request', message: `The request body is larger than ${maxBodyBytes} bytes.` } });
      return;
    }
    let params: unknown = {};
    if (body.length > 0) {
      try {
        params = JSON.parse(body);
      } catch {
        sendError(res, { code: 'bad_request', message: 'The request body is not valid JSON.' });
        return;
      }
    }
    const outcome = await router.call(method, params, caller);
    if (outcome.ok) sendJson(res, 200, { result: outcome.result });
    else sendError(res, outcome.error);
  }

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: maxBodyBytes,
    handleProtocols: (protocols) => (protocols.has(wsProtocol) ? wsProtocol : false),
  });

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/api/ws') return refuse(404, 'Not Found');
    if (!hostAllowed(req.headers.host, port)) return refuse(403, 'Forbidden');
    // Scripts may omit Origin; a browser always sends one, and only our page's is accepted.
    if (req.headers.origin !== undefined && !originAllowed(req.headers.origin, port)) return refuse(403, 'Forbidden');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const fromProtocol = offered.find((p) => p.startsWith(wsTokenPrefix))?.slice(wsTokenPrefix.length);
    const caller = callerFor(fromProtocol ?? bearerToken(req.headers), 'ws');
    if (!caller) return refuse(401, 'Unauthorized');
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, caller));
  });

  // Open sockets of screen links, so revocation or expiry closes them at once.
  const screenSockets = new Map<string, Set<WebSocket>>();
  const stopWatchingScreens = options.screens?.onEnd((screenId) => {
    for (const ws of screenSockets.get(screenId) ?? []) {
      // 4401: the page reads it as "this link no longer works", not as a dropped connection.
      ws.close(4401, 'screen link revoked or expired');
      // A peer that does not answer the close handshake is cut off rather than left reading.
      setTimeout(() => ws.terminate(), 500).unref();
    }
    screenSockets.delete(screenId);
  });

  function serveSocket(ws: WebSocket, caller: Caller): void {
    if (caller.screen) {
      const id = caller.screen.screenId;
      const set = screenSockets.get(id) ?? new Set<WebSocket>();
      set.add(ws);
      screenSockets.set(id, set);
      ws.on('close', () => screenSockets.get(id)?.delete(ws));
    }
    const open = new Map<string, () => void>();
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    // ws reports a frame over maxPayload (close 1009) or a text frame that is not UTF-8
    // (close 1007) as an 'error' on this socket after it has sent the close frame. An
    // EventEmitter 'error' with no listener is thrown, which would end the process, the
    // engine and every operation in flight: so listen, log, and let this connection go.
    ws.on('error', (error) => {
      options.log?.(`websocket closed after a bad frame: ${error.message}`);
    });
    ws.on('message', (data) => {
      try {
        serveFrame(String(data));
      } catch (error) {
        // Whatever a frame does, it fails that frame, never the server.
        options.log?.(`websocket frame failed: ${String(error)}`);
        send({ type: 'error', id: '', error: { code: 'internal', message: 'The frame failed inside Daytwo.' } });
      }
    });
    function serveFrame(text: string): void {
      let frame: z.infer<typeof ClientFrameSchema>;
      try {
        frame = ClientFrameSchema.parse(JSON.parse(text));
      } catch {
        send({ type: 'error', id: '', error: { code: 'bad_request', message: 'Malformed subscription frame.' } });
        return;
      }
      if (frame.type === 'unsubscribe') {
        open.get(frame.id)?.();
        open.delete(frame.id);
        return;
      }
      if (open.has(frame.id)) {
        send({ type: 'error', id: frame.id, error: { code: 'conflict', message: `Subscription id ${frame.id} is in use.` } });
        return;
      }
      const opened = router.subscribe(frame.topic, frame.params, (message) => send({ type: 'message', id: frame.id, message }), caller);
      if (opened.ok) open.set(frame.id, opened.close);
      else send({ type: 'error', id: frame.id, error: opened.error.toBody() });
    }
    ws.on('close', () => {
      for (const close of open.values()) close();
      open.clear();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      stopWatchingScreens?.();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The body as text, or 'too_large' past maxBodyBytes. Past the limit the rest is read and
 * dropped rather than the request destroyed: a reset before the client has finished sending
 * loses the 413 we are about to write. A sender that goes on past discardLimitBytes is cut off.
 */
function readBody(req: http.IncomingMessage): Promise<string | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > discardLimitBytes) {
        req.destroy();
        return;
      }
      if (size > maxBodyBytes) {
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBodyBytes ? 'too_large' : Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => {
      if (size > discardLimitBytes) resolve('too_large');
    });
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...securityHeaders,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: ApiErrorBody): void {
  sendJson(res, httpStatusFor[error.code], { error });
}
