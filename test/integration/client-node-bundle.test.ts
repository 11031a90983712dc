import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type https from 'node:https';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The engine as built loads KubeConfig from one bundled module (scripts/bundle-client-node.mjs),
 * not from the package the tests run: held here to the package on a kubeconfig of the kinds
 * users have (a token, client certificate data, an exec credential plugin, several contexts).
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundled = path.join(repo, 'out/electron/engine/connections/client-node.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-client-node-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const pem = (label: string) => Buffer.from(`-----BEGIN ${label}-----\nMIIB${label.length}\n-----END ${label}-----\n`).toString('base64');
const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-the-plugin' } });
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: eks
  cluster: { server: 'https://eks.example:443', certificate-authority-data: ${pem('CERTIFICATE')} }
- name: onprem
  cluster: { server: 'https://10.0.0.1:6443', insecure-skip-tls-verify: true }
users:
- name: token-user
  user: { token: abc123 }
- name: cert-user
  user: { client-certificate-data: ${pem('CERTIFICATE')}, client-key-data: ${pem('PRIVATE KEY')} }
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(process.execPath)}
      args: ['-e', ${JSON.stringify(`process.stdout.write(${JSON.stringify(credential)})`)}]
      interactiveMode: Never
contexts:
- name: eks-admin
  context: { cluster: eks, user: exec-user, namespace: shop }
- name: eks-viewer
  context: { cluster: eks, user: token-user }
- name: onprem
  context: { cluster: onprem, user: cert-user }
current-context: eks-viewer
`;

describe('the bundled client-node KubeConfig', () => {
  it('reads a kubeconfig and authenticates each context exactly as the package does', async () => {
    expect(fs.existsSync(bundled), `${bundled} is missing: run npm run build first`).toBe(true);
    expect(fs.readFileSync(bundled, 'utf8')).toMatch(/^\/\/ KubeConfig from @kubernetes\/client-node, bundled/);
    const { KubeConfig: Bundled } = (await import(pathToFileURL(bundled).href)) as { KubeConfig: typeof KubeConfig };
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfig);

    const read = async (Config: typeof KubeConfig) => {
      const kc = new Config();
      kc.loadFromFile(file);
      const contexts = [];
      for (const context of kc.getContexts()) {
        kc.setCurrentContext(context.name);
        const options: https.RequestOptions = { headers: {} };
        await kc.applyToHTTPSOptions(options);
        contexts.push({ context, cluster: kc.getCurrentCluster(), user: kc.getCurrentUser()?.name, options });
      }
      return contexts;
    };
    const want = await read(KubeConfig);
    const got = await read(Bundled);
    // As data: the two copies' functions (an agent's, a server identity check) are not the same objects.
    expect(JSON.stringify(got, null, 1)).toEqual(JSON.stringify(want, null, 1));
    expect(got.map((c) => Object.keys(c.options).sort())).toEqual(want.map((c) => Object.keys(c.options).sort()));
    expect(want.map((c) => c.options.headers)).toEqual([{ Authorization: 'Bearer from-the-plugin' }, { Authorization: 'Bearer abc123' }, {}]);
    expect(want[2]?.options.rejectUnauthorized).toBe(false);
  });
});
