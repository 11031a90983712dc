/**
 * Raw Kubernetes objects drawn from a seeded random source, so two draws of one object often
 * agree and sometimes differ in what a record keeps (labels, owners, restarts): for the tests
 * that hold a record made one way to the record made another.
 */
export function pick<T>(next: () => number, options: readonly T[]): T {
  return next() < 0.7 ? (options[0] as T) : (options[Math.floor(next() * options.length)] as T);
}

/** Labels drawn so two draws often agree, sometimes in another order, sometimes with a non-string or `__proto__` value. */
function labels(next: () => number): unknown {
  const roll = next();
  if (roll < 0.03) return undefined;
  if (roll < 0.05) return ['app', 'cart'];
  const out: Record<string, unknown> = {};
  const entries: [string, unknown][] = [
    ['app', pick(next, ['cart', 'checkout'])],
    ['tier', pick(next, ['web', 'api'])],
  ];
  if (next() < 0.2) entries.push(['team', pick(next, ['payments', 7, null, 'search'])]);
  if (next() < 0.3) entries.reverse();
  for (const [k, v] of entries) out[k] = v;
  if (next() < 0.03) return JSON.parse(`{"__proto__":"x",${JSON.stringify(out).slice(1)}`) as unknown;
  return out;
}

function owners(next: () => number): unknown {
  const roll = next();
  if (roll < 0.05) return undefined;
  if (roll < 0.1) return [];
  const refs: unknown[] = [{ kind: pick(next, ['ReplicaSet', 'StatefulSet']), name: pick(next, ['cart-rs', 'cart-rs2']), controller: pick(next, [true, false, 'true']) }];
  if (next() < 0.15) refs.push({ kind: 'Node', name: pick(next, ['node-a', 'node-b']) });
  if (next() < 0.03) refs.push('not an owner');
  return refs;
}

export function rawObject(next: () => number, name: string): unknown {
  return {
    metadata: { name, namespace: pick(next, ['shop', 'web']), labels: labels(next), ownerReferences: owners(next), annotations: { owner: 'ana' } },
    spec: { nodeName: 'node-a', containers: [{ name: 'app', image: 'cart:1' }], replicas: 2 },
    status: { phase: 'Running', containerStatuses: [{ ready: true, restartCount: Math.floor(next() * 2) }] },
  };
}
