import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';
import { ClusterCalls } from '../../../electron/engine/providers/kubernetes/cluster-calls.js';
import { KubeApiError, kubeApiErrorToApiError } from '../../../electron/engine/providers/kubernetes/api-error.js';
import { verdictFor } from '../../../electron/engine/providers/source-status.js';
import { KubeClients } from '../../../electron/engine/sources/kubernetes/kube-clients.js';

/**
 * The one Kubernetes client (providers/kubernetes/kube-client.ts), against a server that answers
 * each path with the Status a real API server sends for that failure: every way of calling it
 * (get, list, patch, create, delete, a stream) ends in the same KubeApiError, and the one
 * mapping turns that into the error a person reads.
 */

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

/** Path → [HTTP status, Status body]: what kube-apiserver answers for each failure. */
const answers: Record<string, [number, unknown]> = {
  '/api/v1/namespaces/shop/pods/expired-token': [401, status(401, 'Unauthorized', 'Unauthorized')],
  '/apis/apps/v1/namespaces/shop/deployments/web': [403, status(403, 'Forbidden', 'deployments.apps "web" is forbidden: User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "shop"')],
  '/api/v1/namespaces/shop/pods/gone': [404, status(404, 'NotFound', 'pods "gone" not found')],
  '/api/v1/namespaces/shop/configmaps': [409, status(409, 'AlreadyExists', 'configmaps "settings" already exists')],
  '/apis/apps/v1/namespaces/shop/deployments/cart': [409, status(409, 'Conflict', 'Operation cannot be fulfilled on deployments.apps "cart": the object has been modified; please apply your changes to the latest version and try again')],
  '/api/v1/pods': [410, status(410, 'Expired', 'too old resource version: 100 (2000)')],
  '/apis/apps/v1/namespaces/shop/deployments/api/scale': [422, status(422, 'Invalid', 'Scale.autoscaling "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')],
  '/api/v1/namespaces/shop/pods/web-1/log': [403, status(403, 'Forbidden', 'pods "web-1" is forbidden: User "viewer" cannot get resource "pods/log"')],
  '/api/v1/namespaces/shop/pods/ok': [200, { kind: 'Pod', metadata: { name: 'ok', namespace: 'shop' } }],
};

let server: http.Server;
let port = 0;
const seen: Seen[] = [];

function config(user: Record<string, unknown> = { token: 't-1' }, context = 'shop-prod'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'shop', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'admin', ...user }],
    contexts: [{ name: context, cluster: 'shop', user: 'admin' }],
    currentContext: context,
  });
  return kc;
}

const noPlugin = { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'daytwo-no-such-credential-plugin', args: ['token'] } };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (url.pathname === '/api/v1/namespaces/utf8/configmaps') {
        void splitAcrossChunks(res);
        return;
      }
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
      const [code, answer] = answers[url.pathname] ?? [404, status(404, 'NotFound', 'the server could not find the requested resource')];
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

/** A list whose multi-byte characters are cut mid-sequence between the chunks the client reads. */
const utf8List = { kind: 'ConfigMapList', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'grüße-😀-配置', namespace: 'utf8' } }] };

async function splitAcrossChunks(res: http.ServerResponse): Promise<void> {
  const bytes = Buffer.from(JSON.stringify(utf8List), 'utf8');
  res.socket?.setNoDelay(true);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (let at = 0; at < bytes.length; at += 3) {
    res.write(bytes.subarray(at, at + 3));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  res.end();
}

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const where = 'context "shop-prod"';

async function failure(call: Promise<unknown>): Promise<KubeApiError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeApiError);
  return error as KubeApiError;
}

describe('the one Kubernetes client', () => {
  it('401: the credentials were not accepted', async () => {
    const error = await failure(new KubeClient(config({ token: 'expired' })).get('/api/v1/namespaces/shop/pods/expired-token'));
    expect(error).toMatchObject({ status: 401, reason: 'Unauthorized' });
    expect(kubeApiErrorToApiError(error, where)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('token may have expired') });
  });

  it('403: a refused patch says so and that nothing changed', async () => {
    const client = new KubeClient(config());
    const error = await failure(client.patch('/apis/apps/v1/namespaces/shop/deployments/web', 'strategic', { spec: { replicas: 3 } }));
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden', message: expect.stringContaining('cannot patch') });
    expect(seen.at(-1)).toMatchObject({ method: 'PATCH', contentType: 'application/strategic-merge-patch+json', authorization: 'Bearer t-1' });
    expect(kubeApiErrorToApiError(error, where, 'Deployment shop/web')).toMatchObject({ code: 'forbidden', message: expect.stringContaining('Nothing was changed') });
  });

  it('404: get names the object, find answers undefined', async () => {
    const client = new KubeClient(config());
    const error = await failure(client.get('/api/v1/namespaces/shop/pods/gone'));
    expect(error).toMatchObject({ status: 404, reason: 'NotFound' });
    expect(kubeApiErrorToApiError(error, where, 'Pod shop/gone')).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^Pod shop\/gone was not found on context "shop-prod"/) });
    expect(await client.find('/api/v1/namespaces/shop/pods/gone')).toBeUndefined();
    expect(await client.find('/api/v1/namespaces/shop/pods/ok')).toMatchObject({ metadata: { name: 'ok' } });
  });

  it('409: AlreadyExists on create and Conflict on a patch read differently', async () => {
    const client = new KubeClient(config());
    const exists = await failure(client.create('/api/v1/namespaces/shop/configmaps', { metadata: { name: 'settings' } }));
    expect(seen.at(-1)).toMatchObject({ method: 'POST', contentType: 'application/json' });
    expect(kubeApiErrorToApiError(exists, where, 'ConfigMap shop/settings')).toMatchObject({ code: 'conflict', message: expect.stringContaining('already exists') });
    const modified = await failure(client.patch('/apis/apps/v1/namespaces/shop/deployments/cart', 'merge', { spec: { paused: true } }));
    expect(seen.at(-1)?.contentType).toBe('application/merge-patch+json');
    expect(kubeApiErrorToApiError(modified, where, 'Deployment shop/cart')).toMatchObject({ code: 'conflict', message: expect.stringContaining('plan again') });
  });

  it('410: a list from a compacted resourceVersion says to reload', async () => {
    const client = new KubeClient(config());
    const listed = await failure(client.list('/api/v1/pods', { resourceVersion: '100', resourceVersionMatch: 'NotOlderThan' }));
    const paged = await failure(client.getJson('/api/v1/pods', { limit: '500' }, AbortSignal.timeout(5_000)));
    for (const error of [listed, paged]) {
      expect(error).toMatchObject({ status: 410, reason: 'Expired' });
      expect(kubeApiErrorToApiError(error, where)).toMatchObject({ code: 'conflict', message: expect.stringContaining('no longer has that version (Expired)') });
    }
  });

  it('422: a dry run the server refuses is a bad request, with its reason', async () => {
    const client = new KubeClient(config());
    const error = await failure(client.patch('/apis/apps/v1/namespaces/shop/deployments/api/scale', 'merge', { spec: { replicas: -1 } }, { dryRun: true }));
    expect(seen.at(-1)?.query.get('dryRun')).toBe('All');
    expect(error).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(kubeApiErrorToApiError(error, where)).toMatchObject({ code: 'bad_request', message: expect.stringContaining('(Invalid)') });
  });

  it('a refused stream (a pod log) fails with the same error as a read', async () => {
    const client = new KubeClient(config());
    const error = await failure(client.stream('/api/v1/namespaces/shop/pods/web-1/log', { follow: 'true' }, AbortSignal.timeout(5_000), () => {}));
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden', message: expect.stringContaining('pods/log') });
  });

  it('a missing exec credential plugin is reported one way, by every call, before anything is sent', async () => {
    const before = seen.length;
    const client = new KubeClient(config(noPlugin));
    const calls = [
      () => client.get('/api/v1/namespaces/shop/pods/ok'),
      () => client.list('/api/v1/pods'),
      () => client.patch('/apis/apps/v1/namespaces/shop/deployments/web', 'merge', {}),
      () => client.delete('/api/v1/namespaces/shop/pods/ok'),
      () => client.watch('/api/v1/pods', { resourceVersion: '1' }, AbortSignal.timeout(5_000), () => {}),
    ];
    for (const call of calls) {
      const error = await failure(call());
      expect(error).toMatchObject({ status: 0, code: 'ENOENT', message: 'The credential plugin "daytwo-no-such-credential-plugin" is not installed or not on PATH.' });
      expect(kubeApiErrorToApiError(error, where)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('No credentials for context "shop-prod"') });
      // The source list says the same, with what to install.
      expect(verdictFor(error, 'Cluster shop-prod', 'kubernetes')).toMatchObject({ state: 'unauthorized', reason: expect.stringContaining('daytwo-no-such-credential-plugin') });
    }
    expect(seen.length).toBe(before);
  });

  it('reads a list page whose characters arrive split between chunks', async () => {
    const page = await new KubeClient(config()).getJson('/api/v1/namespaces/utf8/configmaps', { limit: '500' }, new AbortController().signal);
    expect(page).toEqual(utf8List);
  });

  it('is the client operations know as ClusterCalls', async () => {
    const calls = new ClusterCalls('shop-prod', config());
    expect(calls).toBeInstanceOf(KubeClient);
    expect(calls).toMatchObject({ context: 'shop-prod', server: `http://127.0.0.1:${port}`, kubeUser: 'admin' });
    expect(await calls.get('/api/v1/namespaces/shop/pods/ok')).toMatchObject({ kind: 'Pod' });
  });
});

describe('the clients sources/ hands out', () => {
  it('keeps one client per context while its definition stands, and a new one once the kubeconfig changes it', async () => {
    const clients = new KubeClients();
    const first = clients.for({ name: 'shop-prod', config: config({ token: 't-1' }) });
    expect(clients.for({ name: 'shop-prod', config: config({ token: 't-1' }) })).toBe(first);
    // The token rotated in the file: the next request goes out with the new one.
    const rotated = clients.for({ name: 'shop-prod', config: config({ token: 't-2' }) });
    expect(rotated).not.toBe(first);
    await rotated.get('/api/v1/namespaces/shop/pods/ok');
    expect(seen.at(-1)?.authorization).toBe('Bearer t-2');
    // A context deleted from the kubeconfig keeps no client.
    clients.retain([]);
    expect(clients.for({ name: 'shop-prod', config: config({ token: 't-2' }) })).not.toBe(rotated);
  });

  it('says a context that names no cluster cannot be reached', () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: [], users: [{ name: 'u', token: 'x' }], contexts: [{ name: 'broken', cluster: 'missing', user: 'u' }], currentContext: 'broken' });
    expect(() => new KubeClients().for({ name: 'broken', config: kc })).toThrow(/names no cluster/);
  });
});
