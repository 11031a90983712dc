import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity, EntityKind, Health } from '../../../shared/estate/model.js';
import { relation } from '../../../shared/estate/model.js';
import type { EntityFact } from '../../../electron/engine/state/estate-sink.js';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import type { Source } from '../../../shared/api/sources.js';

/** Facts as a Kubernetes provider would state them, for a context `ctx`. */
export function entity(
  id: string,
  kind: EntityKind,
  parentId: string | null,
  sourceId: string,
  extra: Partial<Entity> = {},
): Entity {
  return {
    id,
    kind,
    name: id.split('/').pop() ?? id,
    parentId,
    sourceId,
    labels: {},
    annotations: {},
    health: 'healthy',
    healthReason: '',
    status: {},
    observedAt: 1_700_000_000_000,
    ...extra,
  };
}

export const sourceOf = (ctx: string) => `kubernetes:${ctx}`;

export function clusterFact(ctx: string, parentId: string | null = null, health: Health = 'healthy', reason = ''): EntityFact {
  return { entity: entity(`k8s:${ctx}`, 'cluster', parentId, sourceOf(ctx), { name: ctx, health, healthReason: reason }) };
}

export function podFact(
  ctx: string,
  ns: string,
  name: string,
  options: { node?: string; owner?: string; health?: Health; reason?: string; observedAt?: number; restarts?: number } = {},
): EntityFact {
  const id = `k8s:${ctx}/${ns}/Pod/${name}`;
  const relations = [];
  if (options.node) relations.push(relation('runs-on', id, `k8s:${ctx}/Node/${options.node}`, sourceOf(ctx)));
  if (options.owner) relations.push(relation('owns', options.owner, id, sourceOf(ctx)));
  return {
    entity: entity(id, 'pod', `k8s:${ctx}/${ns}`, sourceOf(ctx), {
      name,
      health: options.health ?? 'healthy',
      healthReason: options.reason ?? 'Running, ready',
      status: { phase: 'Running', restarts: options.restarts ?? 0 },
      ...(options.observedAt === undefined ? {} : { observedAt: options.observedAt }),
    }),
    relations,
  };
}

export function deploymentFact(
  ctx: string,
  ns: string,
  name: string,
  labels: Record<string, string> = {},
  health: Health = 'healthy',
  reason = '3 of 3 ready',
): EntityFact {
  return {
    entity: entity(`k8s:${ctx}/${ns}/Deployment/${name}`, 'deployment', `k8s:${ctx}/${ns}`, sourceOf(ctx), {
      name,
      labels,
      health,
      healthReason: reason,
    }),
  };
}

export function kubernetesSource(ctx: string, change: Partial<Source> = {}): Source {
  return {
    id: sourceOf(ctx),
    kind: 'kubernetes',
    name: ctx,
    location: `https://${ctx}.example:6443`,
    state: 'live',
    reason: 'Watching',
    lastSyncAt: 1_700_000_100_000,
    enabled: true,
    sandbox: false,
    ...change,
  };
}

/** A throwaway data directory; the caller opens (and reopens, to simulate a restart) the store in it. */
export function tempDataDir(): { dir: string; open: () => StoreDatabase; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-estate-'));
  return { dir, open: () => openStore(dir), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
