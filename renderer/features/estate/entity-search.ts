import type { Entity } from '../../../shared/estate/model.js';
import type { EstateIndex } from './estate-index.js';
import { BestMatches, foldedText, matchScore, parseSearch } from './filters.js';
import type { FoldedText, ParsedSearch } from './filters.js';

/**
 * searchEntities (filters.ts) over the live estate, cheap enough for every keystroke at 50,000
 * pods, with the same answer:
 *  - the entities and their lower-cased text sit in flat arrays, rebuilt only when the index has
 *    changed since the last search (its dataVersion), so a scan touches no Map or WeakMap;
 *  - a query that extends the last one ("checkout-a" after "checkout-") can only match what the
 *    last one matched, so only those are scanned again;
 *  - the matches of the last query are kept with their scores, so the topology's highlight (the
 *    best 500) after the finder's list (the best 8) on the same keystroke scans nothing.
 * Any change to the estate starts again from a full scan: results are never older than the index.
 */
export class EntitySearch {
  private builtAt = -1;
  private entities: Entity[] = [];
  private folded: FoldedText[] = [];
  private last: { search: ParsedSearch; matches: Int32Array; scores: Int32Array } | null = null;
  private warm = false;

  constructor(private readonly index: EstateIndex) {}

  search(query: string, limit: number): Entity[] {
    const search = parseSearch(query);
    if (search === null || limit <= 0) return [];
    if (this.builtAt !== this.index.dataVersion) this.rebuild();
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
    if (this.builtAt !== this.index.dataVersion) this.rebuild();
    if (!this.warm && this.entities.length > 0) {
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

  private rebuild(): void {
    const entities: Entity[] = [];
    const folded: FoldedText[] = [];
    for (const entity of this.index.entities.values()) {
      entities.push(entity);
      folded.push(foldedText(entity));
    }
    this.entities = entities;
    this.folded = folded;
    this.last = null;
    this.builtAt = this.index.dataVersion;
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
    const { entities, folded } = this;
    const { text, kind, health } = search;
    const count = within ? within.length : entities.length;
    const matches = new Int32Array(count);
    const scores = new Int32Array(count);
    let found = 0;
    for (let j = 0; j < count; j++) {
      const i = within ? within[j]! : j;
      const entity = entities[i]!;
      if (kind !== null && entity.kind !== kind) continue;
      if (health !== null && entity.health !== health) continue;
      const score = matchScore(folded[i]!, text, entity.health);
      if (score === 0) continue;
      matches[found] = i;
      scores[found] = score;
      found++;
    }
    this.last = { search, matches: matches.subarray(0, found), scores: scores.subarray(0, found) };
    return this.last;
  }
}
