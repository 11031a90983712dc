import type { Entity, Health } from './model.js';
import { compareWorstFirst, describeRollup, emptyCounts, isProblem, keepWorst, problemOf } from './health.js';
import type { HealthCounts, HealthProblem } from './health.js';

/**
 * `rollupHealth` over a group whose members come and go one at a time, kept as they change
 * instead of recomputed over every member: a namespace's health is asked after every watch
 * event that touches what runs in it, and a burst of 5,000 pod deletions in one namespace
 * made that quadratic. Counts move with each change; the worst problems are kept as a short
 * list that is always the worst few of all problems, in order (removing any one leaves it so,
 * and a newcomer joins it only when it is worse than its last), refilled from every member
 * only when it runs shorter than the rollup names. `rollup()` says exactly what
 * `rollupHealth([...members], noun, named)` says (test/unit/state/running-rollup.test.ts).
 */
export class RunningRollup {
  private readonly members = new Map<string, Entity>();
  private readonly counts: HealthCounts = emptyCounts();
  private problemCount = 0;
  /** The worst problems of all, worst first: a prefix of every problem in that order. */
  private worst: HealthProblem[] = [];

  /**
   * @param named how many problems the reason names, as rollupHealth's `named`.
   * @param spare how many more the list keeps, so removals seldom force a refill.
   */
  constructor(
    private readonly named = 3,
    private readonly spare = 61,
  ) {}

  get size(): number {
    return this.members.size;
  }

  get(id: string): Entity | undefined {
    return this.members.get(id);
  }

  values(): IterableIterator<Entity> {
    return this.members.values();
  }

  /** Adds a member or replaces the one with its id. */
  set(entity: Entity): void {
    const previous = this.members.get(entity.id);
    if (previous) this.forget(previous);
    this.members.set(entity.id, entity);
    this.counts[entity.health]++;
    if (!isProblem(entity.health)) return;
    this.problemCount++;
    const problem = problemOf(entity);
    const worst = this.worst;
    // Holding every other problem, or worse than the last held: it belongs in the list.
    const holdsAll = worst.length === this.problemCount - 1;
    const last = worst[worst.length - 1];
    if (!holdsAll && (last === undefined || compareWorstFirst(problem, last) >= 0)) return;
    let at = worst.length;
    while (at > 0 && compareWorstFirst(problem, worst[at - 1] as HealthProblem) < 0) at--;
    worst.splice(at, 0, problem);
    if (worst.length > this.capacity()) worst.pop();
  }

  delete(id: string): boolean {
    const previous = this.members.get(id);
    if (!previous) return false;
    this.forget(previous);
    this.members.delete(id);
    return true;
  }

  /** rollupHealth's health and reason for the members as they are now. */
  rollup(noun: string, counted?: string): { health: Health; reason: string } {
    const keep = Math.max(0, Math.trunc(this.named));
    if (this.worst.length < keep && this.worst.length < this.problemCount) this.refill();
    return describeRollup({ counts: this.counts, total: this.members.size, problemCount: this.problemCount, worstFirst: this.worst }, noun, this.named, counted);
  }

  private capacity(): number {
    return Math.max(0, Math.trunc(this.named)) + Math.max(0, Math.trunc(this.spare));
  }

  private forget(entity: Entity): void {
    this.counts[entity.health]--;
    if (!isProblem(entity.health)) return;
    this.problemCount--;
    const at = this.worst.findIndex((p) => p.id === entity.id);
    if (at >= 0) this.worst.splice(at, 1);
  }

  /** The list from every member again, as rollupHealth keeps its worst: only the capacity's worth. */
  private refill(): void {
    const keep = this.capacity();
    const worst: HealthProblem[] = [];
    for (const member of this.members.values()) {
      if (!isProblem(member.health)) continue;
      keepWorst(worst, problemOf(member), keep);
    }
    this.worst = worst;
  }
}
