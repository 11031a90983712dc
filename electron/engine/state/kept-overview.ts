import { ApiError } from '../../../shared/api/errors.js';
import { overviewNamespacesListed, overviewRowsListed } from '../../../shared/api/estate.js';
import type { EstateFrame, EstateOverviewAnswer } from '../../../shared/api/estate.js';
import type { Source } from '../../../shared/api/sources.js';
import type { HealthGroup } from '../../../shared/estate/health.js';
import type { Entity } from '../../../shared/estate/model.js';
import { GroupTally, groupKey, locationOf, overviewSummaryOptions, problemRows } from '../../../shared/estate/overview.js';
import type { Ancestry } from '../../../shared/estate/overview.js';
import { RunningSummary } from '../../../shared/estate/running-summary.js';
import type { SummaryTree } from '../../../shared/estate/running-summary.js';

/** What the kept overview reads of the estate (EstateState gives all of it). */
export interface OverviewableEstate {
  get(id: string): Entity | undefined;
  children(id: string): Entity[];
  /** Every entity (EstateState.find with no filter). */
  find(filter: Record<string, never>): Entity[];
  readonly size: number;
  sources(): Source[];
  subscribe(listener: (frame: EstateFrame) => void): () => void;
  readonly currentFrame: number;
}

export interface KeptOverviewOptions {
  /** Catch up once no frame has come for this long (as PackedEstate does). */
  settleMs?: number;
  /** While this says so, catch up only on request (a cluster's first list). */
  holdWhile?: () => boolean;
  now?: () => number;
}

/**
 * `estate.overview`: the overview the console draws first, kept by the engine with the code the
 * console runs over its own copy (RunningSummary, GroupTally, problemRows), so a console opening
 * on 50,000 pods draws it from a few hundred KB instead of after unpacking, indexing and
 * summarising the whole estate. Frames only note the ids they carried (RunningSummary.move:
 * an entity and what is under it are counted again); the counting happens on request, and in
 * the background once frames settle, so a request rarely waits on more than the last second's
 * changes.
 *
 * Why the answer is the estate at its `frame`: every frame up to the one it names has been
 * noted, and the counting reads the estate as it is now (as PackedEstate does, an entity changed
 * after that frame may show its newer state; the frame that carries it comes next).
 */
export class KeptOverview {
  private readonly estate: OverviewableEstate;
  private readonly summary: RunningSummary;
  private readonly tally = new GroupTally();
  private readonly ancestry: Ancestry;
  private readonly settleMs: number;
  private readonly holdWhile: () => boolean;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: () => void;

  constructor(estate: OverviewableEstate, options: KeptOverviewOptions = {}) {
    this.estate = estate;
    this.settleMs = options.settleMs ?? 1_000;
    this.holdWhile = options.holdWhile ?? (() => false);
    this.now = options.now ?? Date.now;
    const tree: SummaryTree = {
      // RunningSummary reads the size (to bound what it holds pending) and, to count from nothing, every entity.
      entities: {
        get size() {
          return estate.size;
        },
        values: () => estate.find({}).values(),
      },
      get: (id) => estate.get(id),
      children: (id) => estate.children(id),
    };
    this.summary = new RunningSummary(tree, { tally: this.tally });
    this.ancestry = { ancestors: (id) => ancestorsOf(estate, id) };
    this.unsubscribe = estate.subscribe((frame) => this.note(frame));
    this.arm();
  }

  answer(): EstateOverviewAnswer {
    const frame = this.estate.currentFrame;
    // While a broken source's parent cycle stands the console summarises from nothing, as it
    // places cycles by its own iteration order: no kept answer to give, so it waits for the snapshot.
    if (!this.summary.reconcile()) throw new ApiError('unavailable', 'The overview is worked out from the estate itself while a source reports a parent cycle.');
    const { problems, clouds, clusters, namespaces, ...summary } = this.summary.summary(overviewSummaryOptions);
    // A group's row shows its worst problem and how many it has: the rest of its few are not sent
    // (at 50,000 pods thousands of namespaces; each problem a reason sentence).
    const worstOnly = (groups: HealthGroup[]) => groups.map((group) => ({ ...group, problems: group.problems.slice(0, 1) }));
    const rows = problemRows(problems, this.ancestry);
    const listed = [...clouds, ...clusters, ...namespaces.slice(0, overviewNamespacesListed)];
    const tallied = this.tally.extras();
    const extras: EstateOverviewAnswer['extras'] = [];
    for (const group of listed) {
      const key = groupKey(group.kind, group.id);
      const extra = tallied.get(key);
      if (extra) extras.push({ key, sourceIds: [...extra.sourceIds], pods: extra.pods });
    }
    return {
      ...summary,
      clouds: worstOnly(clouds),
      clusters: worstOnly(clusters),
      namespaces: worstOnly(namespaces.slice(0, overviewNamespacesListed)),
      namespaceCount: namespaces.length,
      rows: rows.slice(0, overviewRowsListed).map((row) => {
        const entity = this.estate.get(row.problem.id);
        return { ...row, location: entity ? locationOf(this.ancestry, entity) : '', sourceId: entity?.sourceId ?? '' };
      }),
      rowCount: rows.length,
      extras,
      sources: this.estate.sources(),
      asOf: this.now(),
      frame,
    };
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private note(frame: EstateFrame): void {
    for (const entity of frame.upserted) this.summary.written(entity);
    for (const id of frame.removed) this.summary.move(id);
    if (frame.upserted.length + frame.removed.length > 0) this.arm();
  }

  private arm(): void {
    // At most once per settleMs while frames keep coming: an estate's trickle never settles.
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.holdWhile()) this.arm();
      else this.summary.reconcile();
    }, this.settleMs);
    // Being ready sooner is no reason to keep a finished process alive.
    this.timer.unref?.();
  }
}

/** As EstateIndex.ancestors: nearest first, stopping at a missing parent or a cycle. */
function ancestorsOf(estate: OverviewableEstate, id: string): Entity[] {
  const out: Entity[] = [];
  const seen = new Set<string>([id]);
  let parentId = estate.get(id)?.parentId ?? null;
  while (parentId !== null && !seen.has(parentId)) {
    seen.add(parentId);
    const parent = estate.get(parentId);
    if (!parent) break;
    out.push(parent);
    parentId = parent.parentId;
  }
  return out;
}
