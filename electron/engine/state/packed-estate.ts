import type { EstateFrame, EstateSnapshot, PackedEstateSnapshot } from '../../../shared/api/estate.js';
import type { Source } from '../../../shared/api/sources.js';
import type { Entity, Relation } from '../../../shared/estate/model.js';
import { EstatePacker } from '../../../shared/estate/packed-snapshot.js';

/** What the packed snapshot reads of the estate (EstateState gives all of it). */
export interface PackableEstate {
  snapshot(): EstateSnapshot;
  get(id: string): Entity | undefined;
  relation(id: string): Relation | undefined;
  sources(): Source[];
  subscribe(listener: (frame: EstateFrame) => void): () => void;
  readonly currentFrame: number;
}

export interface PackedEstateOptions {
  /** Catch up once no frame has come for this long… */
  settleMs?: number;
  /** …or this long after the first frame not caught up on, whichever is sooner. */
  maxWaitMs?: number;
  now?: () => number;
  /**
   * While this says so, catch up only on request: a cluster's first list sends frames for
   * every pod, and catching up every `maxWaitMs` through it is a whole pack spent during start.
   */
  holdWhile?: () => boolean;
}

/**
 * `estate.packedSnapshot` kept ready, so opening the console does not wait on packing the
 * estate (interning a million strings at 50,000 pods: 0.6–0.9 s of engine CPU per request).
 * An EstatePacker holds the estate packed; frames only note which entities and relations they
 * carried, and the packer catches up on those (reading them as they are now) once frames
 * settle, and again on each request for what came since. A request is then the frames since
 * the last catch-up plus copying the columns. Holding it costs the engine memory: at 50,000 pods
 * about 17 MB (test/bench/packed-estate.js), mostly the table that finds a string's index.
 *
 * Why the answer is a correct snapshot (shared/api/estate.ts): it says the frame the estate is
 * at when it is taken, and every frame up to that one has been noted and caught up on. An
 * entity changed after that frame may show its newer state, as `estate.snapshot` may (the
 * frame that carries it comes next and holds whole entities, so applying it again is harmless).
 * Entities the packer began with came from `estate.snapshot()` itself.
 */
export class PackedEstate {
  private readonly estate: PackableEstate;
  private readonly settleMs: number;
  private readonly maxWaitMs: number;
  private readonly now: () => number;
  private readonly holdWhile: () => boolean;
  private packer: EstatePacker | null = null;
  /** Ids carried by frames since the last catch-up → whether one of those frames removed it. */
  private readonly entitiesSince = new Map<string, boolean>();
  private readonly relationsSince = new Map<string, boolean>();
  private firstUnseenAt: number | null = null;
  private lastFrameAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: () => void;

  constructor(estate: PackableEstate, options: PackedEstateOptions = {}) {
    this.estate = estate;
    this.settleMs = options.settleMs ?? 1_000;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.holdWhile = options.holdWhile ?? (() => false);
    this.unsubscribe = estate.subscribe((frame) => this.note(frame));
    // Packed once the start settles even if no frame comes (an engine showing only its cache).
    this.firstUnseenAt = this.now();
    this.arm(this.settleMs);
  }

  /** The estate now, packed; see the class comment for why its `frame` is right. */
  snapshot(): PackedEstateSnapshot {
    this.catchUp();
    // Copied per request rather than kept: copying is a few ms, a kept copy ~10 MB at 50,000 pods.
    return this.packer!.pack({ sources: this.estate.sources(), asOf: this.now(), frame: this.estate.currentFrame });
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private note(frame: EstateFrame): void {
    for (const e of frame.upserted) if (!this.entitiesSince.has(e.id)) this.entitiesSince.set(e.id, false);
    // A removed id moves to the end, where the estate puts it if it comes back.
    for (const id of frame.removed) {
      this.entitiesSince.delete(id);
      this.entitiesSince.set(id, true);
    }
    for (const r of frame.relationsUpserted) if (!this.relationsSince.has(r.id)) this.relationsSince.set(r.id, false);
    for (const id of frame.relationsRemoved) {
      this.relationsSince.delete(id);
      this.relationsSince.set(id, true);
    }
    if (this.entitiesSince.size + this.relationsSince.size === 0) return;
    this.lastFrameAt = this.now();
    this.firstUnseenAt ??= this.lastFrameAt;
    this.arm(this.settleMs);
  }

  private arm(inMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = this.now();
      const settledIn = this.lastFrameAt + this.settleMs - now;
      const mustIn = (this.firstUnseenAt ?? now) + this.maxWaitMs - now;
      if (settledIn > 0 && mustIn > 0) this.arm(Math.min(settledIn, mustIn));
      else if (this.holdWhile()) this.arm(this.settleMs);
      else this.catchUp();
    }, inMs);
    // Being ready sooner is no reason to keep a finished process alive.
    this.timer.unref?.();
  }

  private catchUp(): void {
    this.firstUnseenAt = null;
    const packer = this.packer;
    // Once what the tables hold for gone or replaced rows outweighs what is live, start afresh.
    if (!packer || packer.waste > packer.size) {
      this.entitiesSince.clear();
      this.relationsSince.clear();
      const snapshot = this.estate.snapshot();
      const fresh = new EstatePacker({ entities: snapshot.entities.length, relations: snapshot.relations.length });
      for (const e of snapshot.entities) fresh.putEntity(e);
      for (const r of snapshot.relations) fresh.putRelation(r);
      this.packer = fresh;
      return;
    }
    if (this.entitiesSince.size + this.relationsSince.size === 0) return;
    for (const [id, removed] of this.entitiesSince) {
      // Removed and back again: a new row at the end, as the estate's Map has it.
      if (removed) packer.removeEntity(id);
      const entity = this.estate.get(id);
      if (entity) packer.putEntity(entity);
      else packer.removeEntity(id);
    }
    for (const [id, removed] of this.relationsSince) {
      if (removed) packer.removeRelation(id);
      const relation = this.estate.relation(id);
      if (relation) packer.putRelation(relation);
      else packer.removeRelation(id);
    }
    this.entitiesSince.clear();
    this.relationsSince.clear();
  }
}
