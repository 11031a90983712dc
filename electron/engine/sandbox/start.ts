import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import { issueCertificate } from './certificate.js';
import { type CloudSide, attachCloud } from './cloud.js';
import { writeSandboxFiles } from './files.js';
import { Authenticator, sandboxUsers } from './kube/auth.js';
import { KubeApiServer } from './kube/server.js';
import { PagerDutyApi } from './pagerduty/pagerduty-api.js';
import type { SandboxWorld } from './world.js';
import { Estate } from './world/estate.js';

/**
 * Starts the whole sandbox on one loopback port: the simulated estate, its Kubernetes API
 * (every cluster under /clusters/<name>), and the cloud side (CloudWatch, /metrics, scenario
 * admin), then writes the files clients connect with.
 */

export interface SandboxOptions {
  port?: number;
  outDir: string;
  seed?: number;
  pods?: number;
  scenario?: string;
}

export interface RunningSandbox {
  kubeconfigPath: string;
  awsConfigPath: string;
  awsCredentialsPath: string;
  /** PagerDuty's server, API token, From email and CA, for the PagerDuty connection. */
  pagerdutyPath: string;
  metricsUrl: string;
  port: number;
  world: SandboxWorld;
  cloud: CloudSide;
  pagerduty: PagerDutyApi;
  stop(): Promise<void>;
}

export const DEFAULT_SEED = 42;

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const seed = options.seed ?? DEFAULT_SEED;
  const estate = new Estate({ seed, ...(options.pods !== undefined ? { pods: options.pods } : {}) });
  const cloud = attachCloud(estate, options.scenario !== undefined ? { scenario: options.scenario } : {});
  const users = sandboxUsers(seed);
  let port = options.port ?? 0;
  const kube = new KubeApiServer(
    { cluster: (name) => estate.simulated.get(name), usage: (pod, cluster) => estate.usage(pod, cluster), serviceNetwork: (cluster) => estate.serviceNetwork(cluster) },
    new Authenticator([users.admin, users.viewer]),
    () => `127.0.0.1:${port}`,
  );

  // A PagerDuty API token is a secret of this launch only: random, never derived from the seed.
  const pagerdutyToken = randomBytes(15).toString('base64url');
  const pagerduty = new PagerDutyApi(estate, pagerdutyToken, () => `https://127.0.0.1:${port}`);
  const unsubscribePagerDuty = cloud.alarms.onAction((action) => pagerduty.onAlarmAction(action));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (await pagerduty.handle(req, res, url)) return;
      if (await cloud.handle(req, res, url)) return;
      if (await kube.handle(req, res, url)) return;
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`Nothing here. Kubernetes clusters are under /clusters/<name>; metrics at /metrics.\n`);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`sandbox error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  // One port speaks both plain HTTP (CloudWatch endpoint, /metrics for Prometheus) and HTTPS
  // (the Kubernetes API: kubectl sends bearer tokens only over TLS). The first byte of a
  // connection tells them apart: 0x16 opens a TLS handshake.
  const certificate = issueCertificate();
  const plain = createServer((req, res) => void handle(req, res));
  const secure = createTlsServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => void handle(req, res));
  // Watches are long-lived responses; the request timeout must not cut them.
  plain.requestTimeout = 0;
  secure.requestTimeout = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const kubeUrl = `https://127.0.0.1:${port}`;
  let files;
  try {
    files = await writeSandboxFiles({ outDir: options.outDir, baseUrl, kubeUrl, caPem: certificate.certPem, clusters: estate.clusters, admin: users.admin, viewer: users.viewer, seed, pagerduty: { token: pagerdutyToken, from: pagerduty.directory.operator.email } });
  } catch (e) {
    server.close();
    throw e;
  }
  estate.run();

  let stopped: Promise<void> | undefined;
  return {
    ...files,
    metricsUrl: `${baseUrl}/metrics`,
    port,
    world: estate,
    cloud,
    pagerduty,
    stop() {
      stopped ??= (async () => {
        unsubscribePagerDuty();
        estate.stop();
        cloud.stop();
        kube.stop();
        plain.closeAllConnections();
        secure.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return stopped;
    },
  };
}
