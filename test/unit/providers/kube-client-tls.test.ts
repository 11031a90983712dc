import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KubeClient } from '../../../electron/engine/providers/kubernetes/kube-client.js';
import { issueCertificate } from '../../../electron/engine/sandbox/certificate.js';

/**
 * The client over TLS, as a cluster is reached: the kubeconfig's CA is what the server is
 * verified against, and the TLS context holding it is made once per client, not once per
 * connection (each watch holds a connection of its own).
 */

const served = issueCertificate();
let server: https.Server;
let port: number;
let handshakes = 0;

beforeAll(async () => {
  server = https.createServer({ cert: served.certPem, key: served.keyPem }, (req, res) => {
    // One connection per request, as a client holding many watches opens them.
    res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
    res.end(JSON.stringify({ kind: 'Pod', metadata: { name: 'ok', namespace: 'shop' } }));
  });
  server.on('secureConnection', () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function config(caPem: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'shop-prod', server: `https://127.0.0.1:${port}`, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'admin', token: 'secret' }],
    contexts: [{ name: 'shop-prod', cluster: 'shop-prod', user: 'admin' }],
    currentContext: 'shop-prod',
  });
  return kc;
}

describe('the Kubernetes client over TLS', () => {
  it('verifies the server against the kubeconfig CA, with one TLS context for all its connections', async () => {
    const contexts = vi.spyOn(tls, 'createSecureContext');
    try {
      const client = new KubeClient(config(served.certPem));
      const before = handshakes;
      for (let i = 0; i < 5; i++) expect(await client.get<{ kind: string }>('/api/v1/namespaces/shop/pods/ok')).toMatchObject({ kind: 'Pod' });
      expect(handshakes - before).toBe(5);
      expect(contexts).toHaveBeenCalledTimes(1);
    } finally {
      contexts.mockRestore();
    }
  });

  it('refuses a server its CA did not sign', async () => {
    const client = new KubeClient(config(issueCertificate().certPem));
    await expect(client.get('/api/v1/namespaces/shop/pods/ok')).rejects.toThrow(/certificate|self.signed|verify/i);
  });
});
