import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type Server as TlsServer, createServer as createTlsServer } from 'node:https';
import { randomBytes } from 'node:crypto';
import { type AddressInfo, type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { issueCertificate } from './certificate.js';
import { type CloudSide, attachCloud } from './cloud.js';
import { launchCredentials } from './credentials.js';
import { writeSandboxFiles } from './files.js';
import { plainHttpGuard } from './plain-http-guard.js';
import { Authenticator, sandboxUsers } from './kube/auth.js';
import { KubeApiServer } from './kube/server.js';
import { PagerDutyApi } from './pagerduty/pagerduty-api.js';
import type { SandboxWorld } from './world.js';
import { Estate } from './world/estate.js';

/**
 * Starts the whole sandbox on loopback: the simulated estate, the cloud side (CloudWatch,
 * /metrics, scenario admin) on one port, and each cluster's Kubernetes API on a port of its
 * own, as real clusters have an address each (a path prefix would not do: kubectl drops a
 * server URL's path for raw requests such as `kubectl get --raw /apis`). Then it writes the
 * files clients connect with.
 */

export interface SandboxOptions {
  port?: number;
  outDir: string;
  seed?: number;
  pods?: number;
  /** Clusters to simulate, 3–8: the shop's three and extra on-prem data centres. */
  clusters?: number;
  scenario?: string;
}

export interface RunningSandbox {
  kubeconfigPath: string;
  /** A second admin's kubeconfig, for two-person approvals; not part of the estate's connections. */
  approverKubeconfigPath: string;
  awsConfigPath: string;
  awsCredentialsPath: string;
  adminTokenPath: string;
  /** Prometheus configurations for the sandbox: `<cluster>.yml` per cluster, `all-clusters.yml`. */
  prometheusConfigDir: string;
  /** PagerDuty's server, API token, From email and CA, for the PagerDuty connection. */
  pagerdutyPath: string;
  metricsUrl: string;
  /** Bearer token for the /sandbox/ admin endpoints (also in the file at adminTokenPath). */
  adminToken: string;
  port: number;
  /** The HTTPS URL of each cluster's Kubernetes API, by cluster name. */
  kubeUrls: ReadonlyMap<string, string>;
  world: SandboxWorld;
  cloud: CloudSide;
  pagerduty: PagerDutyApi;
  stop(): Promise<void>;
}

export const DEFAULT_SEED = 42;

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const seed = options.seed ?? DEFAULT_SEED;
  const estate = new Estate({ seed, ...(options.pods !== undefined ? { pods: options.pods } : {}), ...(options.clusters !== undefined ? { clusters: options.clusters } : {}) });
  const credentials = launchCredentials();
  let port = options.port ?? 0;
  const guard = plainHttpGuard({ port: () => port, adminToken: credentials.adminToken, awsAccessKeyId: credentials.aws.accessKeyId });
  const cloud = attachCloud(estate, { guard, ...(options.scenario !== undefined ? { scenario: options.scenario } : {}) });
  const users = sandboxUsers(credentials.kube);
  const kubeUrls = new Map<string, string>();
  const kube = new KubeApiServer(
    { cluster: (name) => estate.simulated.get(name), usage: (pod, cluster) => estate.usage(pod, cluster), serviceNetwork: (cluster) => estate.serviceNetwork(cluster), service: (pod, cluster) => estate.serviceOf(pod, cluster) },
    new Authenticator([users.admin, users.viewer, users.approver]),
    (cluster) => new URL(kubeUrls.get(cluster) ?? 'https://127.0.0.1').host,
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
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`Nothing here: metrics are at /metrics; each cluster's Kubernetes API has its own port (see the kubeconfig).\n`);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`sandbox error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  // The sandbox's port speaks both plain HTTP (CloudWatch endpoint, /metrics for Prometheus)
  // and HTTPS (the cloud side over TLS). The first byte of a connection tells them apart:
  // 0x16 opens a TLS handshake.
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
  // Each cluster's API server: TLS only (kubectl sends bearer tokens only over TLS), with the
  // one certificate the kubeconfig trusts, so a cluster's admin and viewer contexts share
  // server URL and CA.
  const clusterServers: TlsServer[] = [];
  let files;
  try {
    for (const [index, spec] of estate.clusters.entries()) {
      const api = createTlsServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => void kube.serve(req, res, spec.name));
      api.requestTimeout = 0;
      api.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      clusterServers.push(api);
      // With a fixed sandbox port the clusters take the ports after it, so a restarted sandbox
      // answers at the addresses its kubeconfig already names; otherwise any free port.
      kubeUrls.set(spec.name, `https://127.0.0.1:${await listen(api, options.port ? port + 1 + index : 0)}`);
    }
    files = await writeSandboxFiles({ outDir: options.outDir, baseUrl, kubeUrls, caPem: certificate.certPem, clusters: estate.clusters, admin: users.admin, viewer: users.viewer, approver: users.approver, aws: credentials.aws, adminToken: credentials.adminToken, pagerduty: { token: pagerdutyToken, from: pagerduty.directory.operator.email } });
  } catch (e) {
    server.close();
    for (const api of clusterServers) api.close();
    throw e;
  }
  estate.run();

  let stopped: Promise<void> | undefined;
  return {
    ...files,
    metricsUrl: `${baseUrl}/metrics`,
    adminToken: credentials.adminToken,
    port,
    kubeUrls,
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
        for (const api of clusterServers) api.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        await Promise.all([server, ...clusterServers].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      })();
      return stopped;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
