import { describe, expect, it } from 'vitest';
import { watchLineText } from '../../../electron/engine/providers/kubernetes/managed-fields.js';
import { specReadsOf, toRecord } from '../../../electron/engine/providers/kubernetes/records.js';
import { seededRandom as random } from '../../seeded-random.js';

/**
 * A pod's watch line is parsed with its spec trimmed to what the pod's record reads
 * (specReadsOf, spec-trim.ts). Whatever the line holds, wherever a `spec` sits in it and however
 * it is spaced or escaped, the record must be the one the whole line gives. The pods carry
 * every field a PodSpec commonly has, each drawn at random, so a mapping that starts reading a
 * field the declaration leaves out makes records differ here.
 */

type Next = () => number;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const pick = <T>(next: Next, options: readonly T[]): T => options[Math.floor(next() * options.length)] as T;
const maybe = (next: Next, p: number) => next() < p;

function container(next: Next, n: number): Json {
  if (maybe(next, 0.03)) return pick(next, ['not a container', 7, null]);
  const c: Record<string, Json> = { name: `c${n}` };
  if (maybe(next, 0.95)) c.image = pick(next, ['registry.example.com/shop/cart:1.4', 'nginx', 'naïve/“x”:1', 'a\\"b', '', 42]);
  if (maybe(next, 0.5)) c.env = [{ name: 'LOG', value: pick(next, ['info', '"spec":{', '}]x']) }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  if (maybe(next, 0.5)) c.ports = [{ name: 'http', containerPort: pick(next, [8080, 9090]), protocol: 'TCP' }];
  if (maybe(next, 0.5)) c.resources = { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: pick(next, ['250m', 0.5]) } };
  if (maybe(next, 0.4)) c.livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: pick(next, [5, 10]) };
  if (maybe(next, 0.4)) c.readinessProbe = { exec: { command: ['sh', '-c', 'test -f /ready'] } };
  if (maybe(next, 0.4)) c.volumeMounts = [{ name: 'data', mountPath: '/data', readOnly: pick(next, [true, false]) }];
  if (maybe(next, 0.2)) c.securityContext = { runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
  if (maybe(next, 0.3)) c.imagePullPolicy = pick(next, ['IfNotPresent', 'Always']);
  if (maybe(next, 0.05)) c.spec = { nodeName: 'inside-a-container' };
  return c;
}

function podSpec(next: Next): Json {
  const spec: Record<string, Json> = {};
  const fields: Array<[string, () => Json]> = [
    ['volumes', () => [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }], defaultMode: 420 } }]],
    ['initContainers', () => [container(next, 9)]],
    ['containers', () => (maybe(next, 0.05) ? pick(next, [[], 'x', null]) : Array.from({ length: 1 + Math.floor(next() * 3) }, (_, n) => container(next, n)))],
    ['restartPolicy', () => pick(next, ['Always', 'Never'])],
    ['terminationGracePeriodSeconds', () => pick(next, [30, 0])],
    ['dnsPolicy', () => 'ClusterFirst'],
    ['serviceAccountName', () => pick(next, ['default', 'cart'])],
    ['nodeName', () => pick(next, ['ip-10-0-1-2.eu-west-1.compute.internal', '', 'node-ü', 3])],
    ['nodeSelector', () => ({ 'kubernetes.io/os': 'linux', nodeName: 'not-this' })],
    ['affinity', () => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] } } })],
    ['tolerations', () => [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]],
    ['securityContext', () => ({})],
    ['schedulerName', () => 'default-scheduler'],
    ['priority', () => pick(next, [0, 1000, -5])],
    ['priorityClassName', () => pick(next, ['high', ''])],
    ['hostNetwork', () => pick(next, [true, false])],
    ['enableServiceLinks', () => true],
    ['preemptionPolicy', () => 'PreemptLowerPriority'],
    ['overhead', () => ({ cpu: '100m' })],
    ['runtimeClassName', () => 'gvisor'],
    ['resources', () => ({ requests: { cpu: '1' } })],
  ];
  for (const [key, make] of fields) if (maybe(next, key === 'containers' || key === 'nodeName' ? 0.9 : 0.5)) spec[key] = make();
  // Shuffled: the API server writes a fixed order, a proxy or a hostile server need not.
  const entries = Object.entries(spec);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

function pod(next: Next, n: number): Record<string, Json> {
  const metadata: Record<string, Json> = {
    name: `cart-7d9f8-${n}`,
    namespace: 'shop',
    resourceVersion: String(1000 + n),
    labels: maybe(next, 0.1) ? { app: 'cart', spec: 'a label named spec' } : { app: 'cart' },
    annotations: maybe(next, 0.1) ? { spec: { nodeName: 'from-an-annotation', containers: [] } } : { owner: 'ana' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'cart-7d9f8', controller: true }],
  };
  if (maybe(next, 0.5)) metadata.managedFields = [{ manager: 'kubelet', fieldsV1: { 'f:spec': { 'f:containers': {} } } }];
  const object: Record<string, Json> = { kind: 'Pod', apiVersion: 'v1', metadata };
  if (maybe(next, 0.95)) object.spec = podSpec(next);
  object.status = {
    phase: pick(next, ['Running', 'Pending']),
    conditions: [{ type: 'Ready', status: pick(next, ['True', 'False']) }],
    containerStatuses: [{ name: 'c0', ready: pick(next, [true, false]), restartCount: Math.floor(next() * 3), state: { waiting: { reason: pick(next, ['CrashLoopBackOff', '']) } } }],
  };
  if (maybe(next, 0.05)) (object.status as Record<string, Json>).spec = { nodeName: 'from-status' };
  return object;
}

/** The line as the wire might carry it: compact, spaced, with a key written with an escape, or with a spec member twice. */
function line(next: Next, event: { type: string; object: Record<string, Json> }): string {
  let text = JSON.stringify(event);
  const roll = next();
  // Spaced and tabbed (JSON's white space between tokens; string contents keep their escapes).
  if (roll < 0.15) text = JSON.stringify(event, null, pick(next, [1, '\t'])).replace(/\n/g, ' ');
  // A key spelled with an escape: JSON.parse reads it as the plain name.
  else if (roll < 0.25) text = text.replace('"nodeName":', '"node\\u004eame":').replace('"image":', '"im\\u0061ge":');
  // The spec member twice: JSON.parse keeps the last.
  else if (roll < 0.3) text = text.replace('"spec":{', '"spec":{"containers":[{"image":"first-spec"}]},"spec":{');
  return text;
}

const record = (text: string) => {
  const event = JSON.parse(text) as { type: string; object: { metadata?: { resourceVersion?: string } } };
  return { type: event.type, rv: event.object.metadata?.resourceVersion, record: toRecord('Pod', event.object) };
};

describe('a pod watch line with its spec trimmed to what the record reads', () => {
  const reads = specReadsOf('Pod')!;

  it('makes the record the whole line makes, wherever a spec sits and however the line is written', () => {
    const next = random(2024);
    let trimmed = 0;
    for (let n = 0; n < 3_000; n++) {
      const text = line(next, { type: pick(next, ['ADDED', 'MODIFIED', 'DELETED']), object: pod(next, n) });
      const bytes = Buffer.from(text, 'utf8');
      const read = watchLineText(bytes, 0, bytes.length, reads);
      expect(record(read), text).toEqual(record(text));
      if (read.length < text.length - 40) trimmed++;
    }
    // Most lines lose most of their spec.
    expect(trimmed).toBeGreaterThan(2_000);
  });

  it('keeps only the members it names', () => {
    const text = JSON.stringify({
      type: 'MODIFIED',
      object: { metadata: { name: 'a' }, spec: { volumes: [{ name: 'v"}]' }], nodeName: 'n1', containers: [{ name: 'app', image: 'c\\"a"rt:1', env: [{ value: '\\"}]' }] }, 'odd'], priority: 5 } },
    });
    const bytes = Buffer.from(text);
    const read = watchLineText(bytes, 0, bytes.length, reads);
    expect(read).toBe(JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a' }, spec: { nodeName: 'n1', containers: [{ image: 'c\\"a"rt:1' }, 'odd'] } } }));
  });

  it('leaves a line it cannot walk whole, and never throws on one cut short', () => {
    const spec = { nodeName: 'n1', containers: [{ image: 'x', ports: [1] }], tolerations: [] };
    const text = JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'a', managedFields: [{ m: 1 }] }, spec } });
    const specStart = text.indexOf('"spec":') + '"spec":'.length;
    const specEnd = specStart + JSON.stringify(spec).length;
    const bytes = Buffer.from(text);
    for (let end = 0; end <= bytes.length; end++) {
      const read = watchLineText(bytes, 0, end, reads);
      // Cut short of the spec's end, the spec cannot be walked to it, so it is kept as it came.
      if (end < specEnd) expect(read).toContain(text.slice(specStart, Math.max(specStart, end)));
      else expect(read).toContain('"spec":{"nodeName":"n1","containers":[{"image":"x"}]}');
    }
  });

  it('is asked for pods only', () => {
    expect(specReadsOf('Deployment')).toBeUndefined();
    expect(specReadsOf('Service')).toBeUndefined();
  });
});
