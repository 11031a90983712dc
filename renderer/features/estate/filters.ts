import { healthSeverity } from '../../../shared/estate/model.js';
import type { Entity, EntityKind, Health } from '../../../shared/estate/model.js';
import { firstLabel, ownerLabels, teamLabels } from '../../../shared/estate/apps.js';

/**
 * Filters and search over entities, shared by the overview's finder and the topology. Pure, so
 * the ranking is unit-tested.
 */

export interface EntityFilter {
  /** Empty: every health. */
  health: ReadonlySet<Health>;
  /** Empty: every kind. */
  kinds: ReadonlySet<EntityKind>;
  /** "key", "key=value" or "key=val*"; empty for none. Matched case-insensitively. */
  label: string;
  /** An owner/team as ownerOf() reads it; empty for any. */
  owner: string;
}

export const noFilter: EntityFilter = { health: new Set(), kinds: new Set(), label: '', owner: '' };

export function isFilterActive(filter: EntityFilter): boolean {
  return filter.health.size > 0 || filter.kinds.size > 0 || filter.label.trim() !== '' || filter.owner !== '';
}

/** Who owns a thing: its team, else its owner, read from the label keys the engine uses for apps. */
export function ownerOf(entity: Entity): string | null {
  return (
    firstLabel(entity.labels, teamLabels) ??
    firstLabel(entity.labels, ownerLabels) ??
    firstLabel(entity.annotations, ownerLabels)
  );
}

export interface LabelQuery {
  key: string;
  /** null: the key only has to be present. A trailing * makes it a prefix. */
  value: string | null;
}

export function parseLabelQuery(text: string): LabelQuery | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const eq = trimmed.indexOf('=');
  if (eq < 0) return { key: trimmed.toLowerCase(), value: null };
  return { key: trimmed.slice(0, eq).trim().toLowerCase(), value: trimmed.slice(eq + 1).trim().toLowerCase() };
}

export function matchesLabel(entity: Entity, query: LabelQuery): boolean {
  for (const [key, value] of Object.entries(entity.labels)) {
    if (key.toLowerCase() !== query.key) continue;
    if (query.value === null) return true;
    const v = value.toLowerCase();
    if (query.value.endsWith('*') ? v.startsWith(query.value.slice(0, -1)) : v === query.value) return true;
  }
  return false;
}

/** A compiled filter: parse the label query once, not once per entity. */
export function compileFilter(filter: EntityFilter): (entity: Entity) => boolean {
  const label = parseLabelQuery(filter.label);
  const owner = filter.owner.toLowerCase();
  return (entity) =>
    (filter.health.size === 0 || filter.health.has(entity.health)) &&
    (filter.kinds.size === 0 || filter.kinds.has(entity.kind)) &&
    (label === null || matchesLabel(entity, label)) &&
    (owner === '' || (ownerOf(entity)?.toLowerCase() ?? '') === owner);
}

/** Every owner seen, for the owner filter's choices. */
export function ownersIn(entities: Iterable<Entity>): string[] {
  const owners = new Set<string>();
  for (const entity of entities) {
    const owner = ownerOf(entity);
    if (owner) owners.add(owner);
  }
  return [...owners].sort((a, b) => a.localeCompare(b));
}

/** A search as typed: the words to find, and the `kind:` and `health:` terms that narrow it. */
export interface ParsedSearch {
  /** The words, lower-cased and joined by one space; empty when only terms were given. */
  text: string;
  kind: string | null;
  health: string | null;
}

/** null when there is nothing to search for. */
export function parseSearch(query: string): ParsedSearch | null {
  const words: string[] = [];
  let kind: string | null = null;
  let health: string | null = null;
  for (const term of query.trim().toLowerCase().split(/\s+/)) {
    if (term === '') continue;
    if (term.startsWith('kind:')) kind = term.slice(5);
    else if (term.startsWith('health:')) health = term.slice(7);
    else words.push(term);
  }
  if (words.length === 0 && kind === null && health === null) return null;
  return { text: words.join(' '), kind, health };
}

/**
 * How well an entity's folded text matches: an exact name first, then names that start with the
 * text, then names that contain it, then ids and label values that contain it; 0 for no match.
 * Worse health breaks ties (the last digit), because an operator searching mid-incident is
 * usually looking for the broken one.
 */
export function matchScore(folded: FoldedText, text: string, health: Health): number {
  let score = 1;
  if (text !== '') {
    if (folded.name === text) score = 100;
    else if (folded.name.startsWith(text)) score = 80;
    else if (folded.name.includes(text)) score = 60;
    else if (folded.id.includes(text)) score = 40;
    else if (folded.labels.includes(text)) score = 20;
    else return 0;
  }
  return score * 10 + healthSeverity[health];
}

/**
 * The best `limit` of a stream of scored entities, in order, kept as they come: sorting every
 * match of a first keystroke ("c" matches most of 50,000 pods) cost more than the scan itself.
 */
export class BestMatches {
  private readonly best: Scored[] = [];

  constructor(private readonly limit: number) {}

  offer(entity: Entity, score: number): void {
    const { best, limit } = this;
    if (limit <= 0) return;
    // Most of a first keystroke's matches lose to the worst kept one on score alone: no object
    // for them, and no tie-break (localeCompare) unless the scores are equal.
    if (best.length === limit && score < (best[limit - 1] as Scored).score) return;
    const candidate = { entity, score };
    if (best.length === limit && compareScored(candidate, best[limit - 1] as Scored) >= 0) return;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareScored(candidate, best[mid] as Scored) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, candidate);
    if (best.length > limit) best.pop();
  }

  entities(): Entity[] {
    return this.best.map((s) => s.entity);
  }
}

/**
 * Find entities by name, as an operator types it (matchScore says how they rank). Terms
 * `kind:pod` and `health:failing` narrow the results. The finders search the live estate through
 * entity-search.ts, which gives the same answer faster; this is the definition it is held to.
 */
export function searchEntities(entities: Iterable<Entity>, query: string, limit = 50): Entity[] {
  const search = parseSearch(query);
  if (search === null || limit <= 0) return [];
  const { text, kind, health } = search;
  const best = new BestMatches(limit);
  for (const entity of entities) {
    if (kind !== null && entity.kind !== kind) continue;
    if (health !== null && entity.health !== health) continue;
    const score = matchScore(foldedText(entity), text, entity.health);
    if (score > 0) best.offer(entity, score);
  }
  return best.entities();
}

interface Scored {
  entity: Entity;
  score: number;
}

/**
 * Best score first, then the shorter name, then the id in code-unit order. Not localeCompare:
 * a first keystroke at 50,000 pods ties thousands of names of one length, and ranking the
 * topology's best 500 of them by collation cost more than the scan that found them; code-unit
 * order is also the same on every machine, whatever its locale.
 */
function compareScored(a: Scored, b: Scored): number {
  return b.score - a.score || a.entity.name.length - b.entity.name.length || (a.entity.id < b.entity.id ? -1 : a.entity.id > b.entity.id ? 1 : 0);
}

export interface FoldedText {
  name: string;
  id: string;
  /** Every label value, lower-cased, each on a line of its own (a query has no newline). */
  labels: string;
}

/**
 * Lower-cased name, id and label values per entity, computed once per entity object: a frame
 * replaces an entity whole, so a changed entity is a new key and the old entry is collected.
 */
const folded = new WeakMap<Entity, FoldedText>();

export function foldedText(entity: Entity): FoldedText {
  let text = folded.get(entity);
  if (!text) {
    text = { name: entity.name.toLowerCase(), id: entity.id.toLowerCase(), labels: Object.values(entity.labels).join('\n').toLowerCase() };
    folded.set(entity, text);
  }
  return text;
}
