import { describe, expect, it } from 'vitest';
import { kubectlGetCommand, shellQuote } from '../../../electron/engine/objects/kubectl-command.js';
import { maskSecret, maskedValue } from '../../../electron/engine/objects/secret-mask.js';
import { summarize } from '../../../electron/engine/objects/object-summary.js';
import { addressOf, objectPath } from '../../../electron/engine/objects/object-address.js';

describe('the object view', () => {
  it('masks every value of a Secret, and the last-applied copy of them, keeping the keys', () => {
    const secret = {
      kind: 'Secret',
      metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"password":"hunter2"}}', team: 'pay' } },
      data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' },
      stringData: { extra: 'plain' },
    };
    const { masked, keys } = maskSecret(secret);
    expect(keys).toEqual(['extra', 'password', 'user']);
    expect(JSON.stringify(masked)).not.toMatch(/hunter2|aHVudGVyMg|YWRtaW4|plain/);
    expect(masked['data']).toEqual({ password: maskedValue, user: maskedValue });
    expect((masked['metadata'] as { annotations: Record<string, string> }).annotations['team']).toBe('pay');
    // The object read from the server is left as it was.
    expect(secret.data.password).toBe('aHVudGVyMg==');
  });

  it('prints the kubectl command an operator would type, quoted for the shell', () => {
    expect(kubectlGetCommand({ context: 'arn:aws:eks:eu-west-1:1:cluster/shop', namespace: 'shop', kind: 'Deployment', name: 'web' })).toBe(
      'kubectl --context arn:aws:eks:eu-west-1:1:cluster/shop -n shop get deploy/web -o yaml',
    );
    expect(kubectlGetCommand({ context: 'my ctx', namespace: null, kind: 'Node', name: 'n1' })).toBe("kubectl --context 'my ctx' get node/n1 -o yaml");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it('reads ids and paths for namespaced and cluster-scoped objects', () => {
    const pod = addressOf('k8s:dc1/shop/Pod/web-1', undefined);
    expect(pod).toEqual({ context: 'dc1', namespace: 'shop', kind: 'Pod', name: 'web-1' });
    expect(objectPath(pod)).toBe('/api/v1/namespaces/shop/pods/web-1');
    expect(objectPath({ kind: 'Deployment', namespace: 'shop', name: 'web' })).toBe('/apis/apps/v1/namespaces/shop/deployments/web');
    expect(objectPath({ kind: 'Node', namespace: null, name: 'n1' })).toBe('/api/v1/nodes/n1');
    expect(objectPath({ kind: 'Secret', namespace: 'shop', name: 'db' })).toBe('/api/v1/namespaces/shop/secrets/db');
    expect(() => addressOf('aws:1/eu-west-1/alb/x', undefined)).toThrow(/only Kubernetes objects/);
  });

  it('summarises a crash-looping pod as describe does, naming Secrets without their values', () => {
    const summary = summarize({
      kind: 'Pod',
      metadata: { namespace: 'shop', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d', controller: true }] },
      spec: {
        nodeName: 'n1',
        containers: [
          {
            name: 'app',
            image: 'web:1.2',
            ports: [{ containerPort: 8080 }],
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
            resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } },
            env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
          },
        ],
        volumes: [{ name: 'certs', secret: { secretName: 'tls' } }],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [
          { name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: 't' } } },
        ],
      },
    });
    expect(summary.facts).toContainEqual(['Controlled By', 'ReplicaSet/web-7d']);
    const app = summary.containers[0]!;
    expect(app.ports).toEqual(['8080/TCP']);
    expect(app.probes).toEqual(['liveness: http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3']);
    expect(app.resources).toEqual(['requests cpu=100m', 'limits memory=256Mi']);
    expect(app.env).toEqual(['DB_PASSWORD ← secret db key password']);
    expect(app.state).toBe('Waiting: CrashLoopBackOff · ready no · restarts 4 · last: Error (exit 1) at t');
    expect(summary.conditions[0]).toMatchObject({ type: 'Ready', status: 'False' });
    expect(summary.volumes).toEqual(['certs: secret tls']);
    expect(summary.references).toEqual([
      { kind: 'Secret', name: 'tls' },
      { kind: 'Secret', name: 'db' },
    ]);
  });
});
