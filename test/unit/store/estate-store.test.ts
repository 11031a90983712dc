import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/engine/store/database.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { EstateStore } from '../../../electron/engine/store/estate-store.js';
import type { EstateWrite } from '../../../electron/engine/store/estate-store.js';
import { EventStore } from '../../../electron/engine/store/event-store.js';
import type { Entity } from '../../../shared/estate/model.js';

const dirs: string[] = [];
const dbs: StoreDatabase[] = [];
function freshStore(): { db: StoreDatabase; store: EstateStore } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-estate-store-'));
  dirs.push(dir);
  const db = openStore(dir);
  dbs.push(db);
  return { db, store: new EstateStore(db, new EventStore(db)) };
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function pod(sourceId: string, restarts: number): Entity {
  return {
    id: 'k8s:prod/shop/Pod/cart-1',
    kind: 'pod',
    name: 'cart-1',
    parentId: 'k8s:prod/shop',
    sourceId,
    labels: { app: 'cart' },
    annotations: {},
    health: 'healthy',
    healthReason: `ready (${restarts} restarts)`,
    status: { restarts },
    observedAt: 1_000 + restarts,
  };
}

const write = (entity: Entity, scope: string): EstateWrite => ({ upserts: [{ entity, scope, relations: null }], removes: [], sources: [], forgetSources: [], events: [] });

describe('the estate cache', () => {
  it('keeps the last body written for an entity, and the scope and source it was last written under', () => {
    const { db, store } = freshStore();
    store.write(write(pod('k8s:prod', 0), 'pods'));
    // The same source and scope: the body is updated in place.
    store.write(write(pod('k8s:prod', 1), 'pods'));
    expect(store.load().facts.map((f) => [f.scope, f.entity.status])).toEqual([['pods', { restarts: 1 }]]);
    // Listed under another scope, then reported by another source: the row follows each time.
    store.write(write(pod('k8s:prod', 2), 'workloads'));
    expect(store.load().facts.map((f) => [f.scope, f.entity.status])).toEqual([['workloads', { restarts: 2 }]]);
    store.write(write(pod('k8s:prod-admin', 3), 'workloads'));
    const rows = db.prepare('SELECT source_id, scope FROM estate_entities').all();
    expect(rows).toEqual([{ source_id: 'k8s:prod-admin', scope: 'workloads' }]);
    expect(store.load().facts[0]?.entity.status).toEqual({ restarts: 3 });
    // Forgetting the first source leaves the row its new source wrote.
    store.write({ upserts: [], removes: [], sources: [], forgetSources: ['k8s:prod'], events: [] });
    expect(store.load().facts).toHaveLength(1);
  });
});
