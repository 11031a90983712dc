import type { EntityFact, EstateChange, EstateSink } from '../../../electron/engine/state/estate-sink.js';
import type { EstateEvent } from '../../../shared/estate/event.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';

/** An EstateSink that keeps what it is told, to assert on: the contract of state/estate-sink.ts, nothing more. */
export class RecordingSink implements EstateSink {
  readonly scopes = new Map<string, Map<string, EntityFact>>();
  readonly events = new Map<string, EstateEvent>();
  calls = 0;

  private scope(sourceId: string, scope: string): Map<string, EntityFact> {
    const key = `${sourceId}|${scope}`;
    let map = this.scopes.get(key);
    if (!map) this.scopes.set(key, (map = new Map()));
    return map;
  }

  replace(sourceId: string, scope: string, facts: readonly EntityFact[]): void {
    this.calls += 1;
    const map = this.scope(sourceId, scope);
    map.clear();
    for (const f of facts) map.set(f.entity.id, f);
  }

  apply(sourceId: string, scope: string, change: EstateChange): void {
    this.calls += 1;
    const map = this.scope(sourceId, scope);
    for (const f of change.upsert ?? []) map.set(f.entity.id, f);
    for (const id of change.remove ?? []) map.delete(id);
  }

  recordEvents(_sourceId: string, events: readonly EstateEvent[]): void {
    for (const e of events) this.events.set(e.id, e);
  }

  forgetSource(sourceId: string): void {
    for (const key of [...this.scopes.keys()]) if (key.startsWith(`${sourceId}|`)) this.scopes.delete(key);
  }

  entities(): Entity[] {
    return [...this.scopes.values()].flatMap((m) => [...m.values()].map((f) => f.entity));
  }

  entity(id: string): Entity | undefined {
    return this.entities().find((e) => e.id === id);
  }

  relations(): Relation[] {
    return [...this.scopes.values()].flatMap((m) => [...m.values()].flatMap((f) => [...(f.relations ?? [])]));
  }

  ofKind(kind: Entity['kind']): Entity[] {
    return this.entities().filter((e) => e.kind === kind);
  }
}
