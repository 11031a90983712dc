import type { Entity } from '../../../shared/estate/model.js';
import type { EstateIndex } from './estate-index.js';
import { BestMatches, foldedText, matchScore, parseSearch } from './filters.js';
import type { FoldedText, ParsedSearch } from './filters.js';

/**
 * searchEntities (filters.ts) over the live estate, cheap enough for every keystroke at 50,000
 * pods, with the same answer:
 *  - the entities and their lower-cased text sit in flat arrays, so a scan touches no Map or
 *    WeakMap; a frame patches the slots of the entities it changed (the index tells of each as
 *    it applies it), and only a snapshot rebuilds them;
 *  - a query that extends the last one ("checkout-a" after "checkout-") can only match what the
 *    last one matched, so only those are scanned again;
 *  - the matches of the last query are kept with their scores, so the topology's highlight (the
 *    best 500) after the finder's list (the best 8) on the same keystroke scans nothing.
 * A frame landing between keystrokes re-scores the entities it changed against the last query
 * and leaves the other matches as they were: at 50,000 pods, starting again from a full scan
 * (and rebuilding the arrays) after every frame put 20 ms on the keystroke after it.
 */
export class EntitySearch {
  /** Slot by slot; a removed entity's slot is null until an arriving one takes it. */
  private entities: Array<Entity | null> = [];
  private folded: Array<FoldedText | null> = [];
  private slots = new Map<string, number>();
  private free: number[] = [];
  /** Ids the index wrote or removed since the arrays were last brought up to date. */
  private readonly dirty = new Set<string>();
  /** A snapshot replaced everything (or nothing is built yet): the arrays are rebuilt whole. */
  private stale = true;
  private last: { search: ParsedSearch; matches: Int32Array; scores: Int32Array } | null = null;
  private warm = false;

  constructor(private readonly index: EstateIndex) {
    index.watchStructure({
      changed: (id) => this.note(id),
      updated: (id) => this.note(id),
      reset: () => {
        this.stale = true;
        this.dirty.clear();
      },
    });
  }

  search(query: string, limit: number): Entity[] {
    const search = parseSearch(query);
    if (search === null || limit <= 0) return [];
    this.catchUp();
    const { matches, scores } = this.matching(search);
    const best = new BestMatches(limit);
    for (let j = 0; j < matches.length; j++) best.offer(this.entities[matches[j]!]!, scores[j]!);
    return best.entities();
  }

  /**
   * Folds every entity's text now, off the keystroke path (the store calls it when the browser
   * is idle after a snapshot): the first keystroke at 50,000 pods otherwise paid for 150,000
   * toLowerCase calls.
   */
  prepare(): void {
    this.catchUp();
    if (!this.warm && this.slots.size > 0) {
      // The first keystroke also ran the scan and the ranking cold: V8 interprets them until
      // they are hot, so "c" over 10,000 entities took 15-20 ms where a warm scan takes a few.
      // A search and one narrowing it, here when nothing waits, make both paths hot; their
      // matches are not kept.
      this.warm = true;
      this.search('e', 8);
      this.search('es', 8);
      this.last = null;
    }
  }

  private note(id: string): void {
    // While stale, the rebuild reads the index as it is then: a snapshot's 50,000 are not kept twice.
    if (!this.stale) this.dirty.add(id);
  }

  private catchUp(): void {
    if (this.stale) this.rebuild();
    else if (this.dirty.size > 0) this.patch();
  }

  private rebuild(): void {
    const entities: Entity[] = [];
    const folded: FoldedText[] = [];
    const slots = new Map<string, number>();
    for (const entity of this.index.entities.values()) {
      slots.set(entity.id, entities.length);
      entities.push(entity);
      folded.push(foldedText(entity));
    }
    this.entities = entities;
    this.folded = folded;
    this.slots = slots;
    this.free = [];
    this.last = null;
    this.stale = false;
    this.dirty.clear();
  }

  /** Brings the slots of the entities a frame changed up to date, and the last query's matches with them. */
  private patch(): void {
    const { entities, folded, slots, free } = this;
    const touched = new Set<number>();
    for (const id of this.dirty) {
      const entity = this.index.entities.get(id);
      let slot = slots.get(id);
      if (!entity) {
        if (slot === undefined) continue;
        entities[slot] = null;
        folded[slot] = null;
        slots.delete(id);
        free.push(slot);
        touched.add(slot);
        continue;
      }
      if (slot === undefined) {
        slot = free.pop() ?? entities.length;
        slots.set(id, slot);
      }
      entities[slot] = entity;
      folded[slot] = foldedText(entity);
      touched.add(slot);
    }
    this.dirty.clear();
    const last = this.last;
    if (!last) return;
    // The last query's matches, as a scan of the arrays as they are now would find them.
    const matches: number[] = [];
    const scores: number[] = [];
    for (let j = 0; j < last.matches.length; j++) {
      const slot = last.matches[j]!;
      if (touched.has(slot)) continue;
      matches.push(slot);
      scores.push(last.scores[j]!);
    }
    for (const slot of touched) {
      const score = this.score(last.search, slot);
      if (score === 0) continue;
      matches.push(slot);
      scores.push(score);
    }
    this.last = { search: last.search, matches: Int32Array.from(matches), scores: Int32Array.from(scores) };
  }

  /** How the entity in `slot` matches `search`; 0 when it does not (or the slot is empty). */
  private score(search: ParsedSearch, slot: number): number {
    const entity = this.entities[slot];
    if (!entity) return 0;
    if (search.kind !== null && entity.kind !== search.kind) return 0;
    if (search.health !== null && entity.health !== search.health) return 0;
    return matchScore(this.folded[slot]!, search.text, entity.health);
  }

  /** Every entity that matches, by position, with its score; narrowed from the last query's when it can be. */
  private matching(search: ParsedSearch): { matches: Int32Array; scores: Int32Array } {
    const last = this.last;
    if (last && last.search.kind === search.kind && last.search.health === search.health) {
      if (last.search.text === search.text) return last;
      // Every match of "checkout-a" contains "checkout-", so it is among that query's matches.
      if (search.text.startsWith(last.search.text)) return this.scan(search, last.matches);
    }
    return this.scan(search, null);
  }

  private scan(search: ParsedSearch, within: Int32Array | null): { matches: Int32Array; scores: Int32Array } {
    const count = within ? within.length : this.entities.length;
    const matches = new Int32Array(count);
    const scores = new Int32Array(count);
    let found = 0;
    for (let j = 0; j < count; j++) {
      const i = within ? within[j]! : j;
      const score = this.score(search, i);
      if (score === 0) continue;
      matches[found] = i;
      scores[found] = score;
      found++;
    }
    this.last = { search, matches: matches.subarray(0, found), scores: scores.subarray(0, found) };
    return this.last;
  }
}
