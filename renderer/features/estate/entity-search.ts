import type { Entity } from '../../../shared/estate/model.js';
import { healthSeverity } from '../../../shared/estate/model.js';
import type { EstateIndex } from './estate-index.js';
import { foldedText, matchScore, parseSearch } from './filters.js';
import type { FoldedText, ParsedSearch } from './filters.js';

/**
 * searchEntities (filters.ts) over the live estate, cheap enough for every keystroke at 50,000
 * pods, with the same answer:
 *  - every entity's lower-cased name, id and label values sit end to end in one string, the
 *    corpus, and a query is one indexOf after another along it. Scoring entity by entity read
 *    three strings and two objects per entity, each somewhere else on the heap: at 60,000
 *    entities a first keystroke ("c") spent 20 ms in matchScore, most of it waiting on memory;
 *  - each slot's score digit for health and its name's length sit in typed arrays, so picking
 *    the best 8 of a first keystroke's 60,000 matches reads an entity only where score and name
 *    length tie; comparing entity objects for each cost another 15 ms;
 *  - a query that extends the last one ("checkout-a" after "checkout-") can only match what the
 *    last one matched, so when those are few only they are scored again;
 *  - the matches of the last query are kept with their scores, so the topology's highlight (the
 *    best 500) after the finder's list (the best 8) on the same keystroke scans nothing.
 * A frame does not rebuild the corpus: the entities it changed are marked stale there and scored
 * one by one, and the corpus is rebuilt when the browser is idle (prepare) once they are many.
 */
export class EntitySearch {
  /** Slot by slot; a removed entity's slot is null until an arriving one takes it. */
  private entities: Array<Entity | null> = [];
  private folded: Array<FoldedText | null> = [];
  /** healthSeverity and the name's length of each slot's entity, so scoring and ranking most matches reads no entity. */
  private severity = new Uint8Array(0);
  private nameLength = new Int32Array(0);
  private slots = new Map<string, number>();
  private free: number[] = [];
  /** Ids the index wrote or removed since the arrays were last brought up to date. */
  private readonly dirty = new Set<string>();
  /** A snapshot replaced everything (or nothing is built yet): the arrays are rebuilt whole. */
  private stale = true;
  private last: { search: ParsedSearch; matches: Int32Array; scores: Int32Array } | null = null;
  private warm = false;

  /**
   * The corpus: slot s's record, `name\nid\nlabels\n` (labels already one per line), spans
   * [start[s], start[s + 1]); its id begins at idAt[s] and its labels at labelsAt[s]. A query
   * has no newline (parseSearch splits on white space), so no match spans two fields.
   */
  private corpus = '';
  private start = new Int32Array(1);
  private idAt = new Int32Array(0);
  private labelsAt = new Int32Array(0);
  /** Slots the corpus holds; later ones were appended since it was built. */
  private corpusSlots = 0;
  /** 1 where the corpus's text for the slot is out of date: a frame changed, removed or reused it. */
  private outdated = new Uint8Array(0);
  /** Occupied slots whose text the corpus does not hold (outdated or appended): scored one by one. */
  private readonly loose = new Set<number>();

  private readonly looseLimit: number | null;
  private readonly narrowLimit: number;

  constructor(
    private readonly index: EstateIndex,
    limits: { loose?: number; narrow?: number } = {},
  ) {
    this.looseLimit = limits.loose ?? null;
    this.narrowLimit = limits.narrow ?? NARROW_LIMIT;
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
    return this.best(matches, scores, limit);
  }

  /**
   * Folds every entity's text and builds the corpus now, off the keystroke path (the store calls
   * it when the browser is idle after a publish): the first keystroke after a snapshot at 50,000
   * pods otherwise paid for 150,000 toLowerCase calls. After frames, it rebuilds the corpus only
   * once many entities are scored one by one, as that costs more than the few it saves.
   */
  prepare(): void {
    this.catchUp();
    if (this.loose.size > (this.looseLimit ?? Math.max(LOOSE_LIMIT, this.corpusSlots >> 4))) this.buildCorpus();
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
    this.severity = Uint8Array.from(entities, (e) => healthSeverity[e.health]);
    this.nameLength = Int32Array.from(entities, (e) => e.name.length);
    this.slots = slots;
    this.free = [];
    this.last = null;
    this.stale = false;
    this.dirty.clear();
    this.buildCorpus();
  }

  /** The corpus from the slots as they are; slots keep their places, so the last matches stay good. */
  private buildCorpus(): void {
    const { folded, entities } = this;
    const n = entities.length;
    const start = new Int32Array(n + 1);
    const idAt = new Int32Array(n);
    const labelsAt = new Int32Array(n);
    const parts: string[] = [];
    let at = 0;
    for (let s = 0; s < n; s++) {
      start[s] = at;
      const text = folded[s];
      if (!text) {
        idAt[s] = at;
        labelsAt[s] = at;
        continue;
      }
      parts.push(text.name, text.id, text.labels);
      idAt[s] = at += text.name.length + 1;
      labelsAt[s] = at += text.id.length + 1;
      at += text.labels.length + 1;
    }
    start[n] = at;
    // One flat string (join makes one; a concatenation would be a rope until first searched):
    // indexOf along it reads memory in order. The empty last part ends the last record's line.
    if (parts.length > 0) parts.push('');
    this.corpus = parts.join('\n');
    this.start = start;
    this.idAt = idAt;
    this.labelsAt = labelsAt;
    this.corpusSlots = n;
    this.outdated = new Uint8Array(n);
    this.loose.clear();
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
        this.unsettle(slot);
        this.loose.delete(slot);
        touched.add(slot);
        continue;
      }
      if (slot === undefined) {
        slot = free.pop() ?? entities.length;
        slots.set(id, slot);
      }
      entities[slot] = entity;
      folded[slot] = foldedText(entity);
      if (slot >= this.severity.length) {
        this.severity = grown(this.severity, slot);
        this.nameLength = grown(this.nameLength, slot);
      }
      this.severity[slot] = healthSeverity[entity.health];
      this.nameLength[slot] = entity.name.length;
      this.unsettle(slot);
      this.loose.add(slot);
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

  /** The corpus's text for `slot` no longer describes what it holds. */
  private unsettle(slot: number): void {
    if (slot < this.corpusSlots) this.outdated[slot] = 1;
  }

  /** How the entity in `slot` matches `search`, from its own text; 0 when it does not (or the slot is empty). */
  private score(search: ParsedSearch, slot: number): number {
    const entity = this.entities[slot];
    if (!entity) return 0;
    if (search.kind !== null && entity.kind !== search.kind) return 0;
    if (search.health !== null && entity.health !== search.health) return 0;
    return matchScore(this.folded[slot]!, search.text, entity.health);
  }

  /** Every entity that matches, by slot, with its score; narrowed from the last query's when it can be. */
  private matching(search: ParsedSearch): { matches: Int32Array; scores: Int32Array } {
    const last = this.last;
    const sameTerms = last !== null && last.search.kind === search.kind && last.search.health === search.health;
    if (sameTerms && last.search.text === search.text) return last;
    let found: { matches: Int32Array; scores: Int32Array };
    // Every match of "checkout-a" contains "checkout-", so it is among that query's matches;
    // when those are many, the corpus is quicker than scoring each.
    if (sameTerms && search.text.startsWith(last.search.text) && last.matches.length <= this.narrowLimit) found = this.scoreEach(search, last.matches);
    else if (search.text === '') found = this.scoreEach(search, null);
    else found = this.scanCorpus(search);
    this.last = { search, ...found };
    return this.last;
  }

  private scoreEach(search: ParsedSearch, within: Int32Array | null): { matches: Int32Array; scores: Int32Array } {
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
    return { matches: matches.subarray(0, found), scores: scores.subarray(0, found) };
  }

  /** Matches along the corpus, then the loose slots one by one; the same scores as matchScore. */
  private scanCorpus(search: ParsedSearch): { matches: Int32Array; scores: Int32Array } {
    const { corpus, start, idAt, labelsAt, outdated, severity, entities } = this;
    const { text, kind, health } = search;
    const matches: number[] = [];
    const scores: number[] = [];
    let s = 0;
    let at = corpus.indexOf(text);
    while (at !== -1) {
      while (start[s + 1]! <= at) s++;
      // The first place in a record is its best: name before id before labels.
      if (outdated[s] === 0) {
        const entity = kind === null && health === null ? null : entities[s]!;
        if (entity === null || ((kind === null || entity.kind === kind) && (health === null || entity.health === health))) {
          let tier: number;
          if (at < idAt[s]!) tier = at > start[s]! ? 60 : idAt[s]! - 1 - start[s]! === text.length ? 100 : 80;
          else tier = at < labelsAt[s]! ? 40 : 20;
          matches.push(s);
          scores.push(tier * 10 + severity[s]!);
        }
      }
      at = corpus.indexOf(text, start[s + 1]!);
    }
    for (const slot of this.loose) {
      const score = this.score(search, slot);
      if (score === 0) continue;
      matches.push(slot);
      scores.push(score);
    }
    return { matches: Int32Array.from(matches), scores: Int32Array.from(scores) };
  }

  /** The best `limit` of the matches, best first, as BestMatches in filters.ts orders them. */
  private best(matches: Int32Array, scores: Int32Array, limit: number): Entity[] {
    const keptSlots: number[] = [];
    const keptScores: number[] = [];
    for (let j = 0; j < matches.length; j++) {
      const slot = matches[j]!;
      const score = scores[j]!;
      const kept = keptSlots.length;
      // Most of a first keystroke's matches lose to the worst kept one on score alone.
      if (kept === limit && !this.before(slot, score, keptSlots[kept - 1]!, keptScores[kept - 1]!)) continue;
      let lo = 0;
      let hi = kept;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.before(slot, score, keptSlots[mid]!, keptScores[mid]!)) hi = mid;
        else lo = mid + 1;
      }
      keptSlots.splice(lo, 0, slot);
      keptScores.splice(lo, 0, score);
      if (keptSlots.length > limit) {
        keptSlots.pop();
        keptScores.pop();
      }
    }
    return keptSlots.map((slot) => this.entities[slot]!);
  }

  /**
   * Whether slot a (scored sa) ranks before slot b (scored sb), as compareScored orders them:
   * the entities themselves are read only when score and name length tie.
   */
  private before(a: number, sa: number, b: number, sb: number): boolean {
    if (sa !== sb) return sa > sb;
    const la = this.nameLength[a]!;
    const lb = this.nameLength[b]!;
    if (la !== lb) return la < lb;
    return this.entities[a]!.id < this.entities[b]!.id;
  }
}

/**
 * Loose slots scored one by one cost about a microsecond each; past this many (or a sixteenth of
 * the corpus), prepare rebuilds it. Both limits can be set low, so tests reach every path.
 */
const LOOSE_LIMIT = 2_000;
/** A narrowing query scores the last matches one by one when they are at most this many; more, and the corpus is quicker. */
const NARROW_LIMIT = 4_000;

function grown<T extends Uint8Array | Int32Array>(array: T, slot: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(slot + 1, array.length * 2));
  next.set(array);
  return next;
}
