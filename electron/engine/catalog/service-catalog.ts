import type { CatalogMismatch, CatalogService, FileProblem, HistoryEntry, Scorecard, Team } from '../../../shared/api/catalog.js';
import type { RunbookSummary } from '../../../shared/api/runbooks.js';
import type { EstateFrame } from '../../../shared/api/estate.js';
import type { Source } from '../../../shared/api/sources.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { EstateReader } from '../state/estate-reader.js';
import type { StoreDatabase } from '../store/database.js';
import { readCatalogInfo } from './catalog-info.js';
import type { CatalogInfo } from './catalog-info.js';
import { assembleCatalogInSteps } from './services.js';
import type { AssembledCatalog } from './services.js';
import { countedKubeEventReasons, evaluateServiceInSteps } from './scorecard-checks.js';
import type { CheckContext } from './scorecard-checks.js';
import { loadRules } from './scorecard-rules.js';
import type { RuleSet } from './scorecard-rules.js';
import { ScorecardStore } from './scorecard-store.js';

/** The longest a scheduled pass waits for the estate to stop changing. */
const maxSettleMs = 2_000;
/** How long a scheduled pass holds the event loop at a time. */
const sliceMs = 15;
/** A frame carrying this many entities is part of a burst (a deletecollection, a node lost): a pass makes way for it. */
const burstFrameEntities = 200;
/** How long after a burst's latest frame a pass waits before its next slice… */
const burstQuietMs = 300;
/** …and the most it waits in all, so a pass in an estate that keeps bursting still ends. */
const maxYieldMs = 2_000;
/**
 * After a pass the catalog rests three times what it cost before the next, so in an estate that
 * keeps changing passes take at most a quarter of the engine's time. Counted from the pass's end:
 * from its start, a pass whose slices came round slowly (a busy event loop) was followed by the
 * next at once, and at 50,000 pods passes took most of a core while pods were being created.
 */
const restsPerCost = 3;
/**
 * A pass this often whatever happens: a check may read a time window (`no-crash-loops` counts
 * BackOff events in the last 24 h), and an event ageing out of it is no change to the estate.
 */
const defaultRefreshEveryMs = 5 * 60_000;

export interface ServiceCatalogOptions {
  db: StoreDatabase;
  estate: EstateReader;
  /** Called with a listener on every estate change frame; returns the unsubscribe. */
  onEstateChange: (listener: (frame: EstateFrame) => void) => () => void;
  /** Called with a listener whenever a source changes (a live source going offline makes its cards stale). */
  onSourcesChange: (listener: () => void) => () => void;
  /**
   * While this says so (a source on its first list or a relist), changes are noted and the pass
   * waits: it would grade services on half-listed kinds. The first change after it asks for one.
   */
  holdWhile?: () => boolean;
  sources: () => readonly Source[];
  runbooks: () => readonly RunbookSummary[];
  kubeReasonCounts: CheckContext['kubeReasonCounts'];
  isProduction: (context: string) => boolean;
  catalogDirs: readonly string[];
  /** The rules file in force; the bundled default when the user names none. */
  rulesFile: string;
  /** The bundled rules, used when the user's file is refused (its problems are still reported). */
  bundledRulesFile: string;
  /** How long estate changes settle before the scorecards are evaluated again; a change shows after about this. */
  settleMs?: number;
  /** How often a pass comes though nothing changed, for checks that read a time window. */
  refreshEveryMs?: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * The catalog and its scorecards, kept current from the estate: every change frame marks the
 * catalog dirty and, after a short settle, services are assembled again and every service whose
 * sources are live is evaluated; the rest keep the scorecard from the cache, marked stale, with
 * the time it was evaluated. Cards and their history are saved in one transaction per pass.
 */
export class ServiceCatalog {
  private readonly store: ScorecardStore;
  private readonly cards: Map<string, Scorecard>;
  private catalogInfo: CatalogInfo = { components: [], groups: new Map(), problems: [] };
  private assembled: AssembledCatalog = { services: [], mismatches: [], serviceOf: new Map() };
  private rules: RuleSet;
  private rulesProblems: FileProblem[] = [];
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void)[] = [];
  private asOf = 0;
  /** When the last refresh ended and what it cost the event loop, on the monotonic clock. */
  private lastEndedAt = -Infinity;
  private lastCostMs = 0;
  /** When the first change not yet evaluated came, on the monotonic clock; null when none waits. */
  private pendingSince: number | null = null;
  /** A sliced pass is under way; a change meanwhile asks for another once it ends. */
  private slicing = false;
  private again = false;
  /** When the latest frame of a burst came, on the monotonic clock. */
  private lastBurstFrameAt = -Infinity;
  private closed = false;
  private readonly now: () => number;
  /** Which sources were live when last told (a pass reads no more of them than that). */
  private liveSources = '';
  /** A change a pass reads came during a hold; the first change after it asks for the pass. */
  private heldBack = false;

  constructor(private readonly options: ServiceCatalogOptions) {
    this.now = options.now ?? Date.now;
    this.store = new ScorecardStore(options.db);
    this.cards = this.store.latest();
    for (const [id, card] of this.cards) this.cards.set(id, { ...card, stale: true });
    const loaded = loadRules(options.rulesFile);
    if (loaded.ok) this.rules = loaded.rules;
    else {
      this.rulesProblems = loaded.problems;
      options.log?.(`The scorecard rules file ${options.rulesFile} was refused; using the bundled rules.`);
      const bundled = loadRules(options.bundledRulesFile);
      if (!bundled.ok) throw new Error(`The bundled scorecard rules are invalid: ${bundled.problems.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`);
      this.rules = bundled.rules;
    }
  }

  /** Reads the catalog folders, evaluates once, and follows the estate from then on. */
  async start(): Promise<void> {
    this.catalogInfo = await readCatalogInfo(this.options.catalogDirs);
    if (this.closed) return;
    this.refresh();
    this.liveSources = this.liveSourceIds();
    // Only what a pass reads asks for one: at 50,000 pods a pass is 0.6 s of CPU, and a settled
    // estate still sends frames of events and has each cluster confirm it is in sync every 15 s.
    this.unsubscribe = [
      this.options.onEstateChange((frame) => {
        const entities = frame.upserted.length + frame.removed.length;
        const read = entities + frame.relationsUpserted.length + frame.relationsRemoved.length > 0 || frame.events.some((e) => e.kind === 'kubernetes' && countedKubeEventReasons.has(e.reason));
        if (entities >= burstFrameEntities) this.lastBurstFrameAt = performance.now();
        this.changed(read);
      }),
      this.options.onSourcesChange(() => {
        const live = this.liveSourceIds();
        const read = live !== this.liveSources;
        this.liveSources = live;
        this.changed(read);
      }),
    ];
    this.heartbeat = setInterval(() => this.changed(true), this.options.refreshEveryMs ?? defaultRefreshEveryMs);
    this.heartbeat.unref();
  }

  /** A change came that a pass reads (`read`) or not; while held, it is kept for when the hold ends. */
  private changed(read: boolean): void {
    if (this.options.holdWhile?.()) {
      this.heldBack ||= read;
      return;
    }
    if (!read && !this.heldBack) return;
    this.heldBack = false;
    this.schedule();
  }

  private liveSourceIds(): string {
    return this.options
      .sources()
      .filter((s) => s.state === 'live')
      .map((s) => s.id)
      .sort()
      .join('\n');
  }

  /** The folders changed (settings): read them again and re-evaluate. */
  async setCatalogDirs(dirs: readonly string[]): Promise<void> {
    this.catalogInfo = await readCatalogInfo(dirs);
    if (!this.closed) this.refresh();
  }

  close(): void {
    this.closed = true;
    for (const stop of this.unsubscribe) stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * A refresh is due once the changes have settled: `settleMs` after the latest frame (a burst
   * comes as many frames ~50 ms apart, and one pass after it beats several inside it), but no
   * later than `maxSettleMs` after the first, for an estate that never stops changing; and no
   * sooner than `restsPerCost` times the last pass's cost after it ended: at 50,000 pods a pass
   * costs a second or more. The scheduled pass runs in slices (`sliceMs`) with the event loop
   * free between them, so frames keep leaving the engine meanwhile. It reads the estate as it is when each slice runs, and any frame meanwhile
   * schedules another pass, so the cards still end equal to a full evaluation once the changes
   * stop.
   */
  private schedule(): void {
    if (this.closed) return;
    const now = performance.now();
    this.pendingSince ??= now;
    const settle = this.options.settleMs ?? 300;
    const settled = Math.min(now + settle, this.pendingSince + Math.max(settle, maxSettleMs));
    const due = Math.max(settled, this.lastEndedAt + this.lastCostMs * restsPerCost);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A pass restarted on every change would never reach the last services: finish this one first.
      if (this.slicing) {
        this.again = true;
        return;
      }
      // Set while a pass was under way, from the pass before it: its rest starts now.
      if (performance.now() < this.lastEndedAt + this.lastCostMs * restsPerCost) {
        this.schedule();
        return;
      }
      this.pendingSince = null;
      this.refreshInSlices();
    }, Math.max(0, due - now));
  }

  /** Assembles the catalog and evaluates every service whose sources are live, at once. */
  refresh(): void {
    const started = performance.now();
    try {
      const pass = this.evaluation();
      while (!pass.next().done) {
        // Every slice at once: API calls and start-up want the cards now.
      }
    } finally {
      this.lastEndedAt = performance.now();
      this.lastCostMs = this.lastEndedAt - started;
    }
  }

  /**
   * The same pass, a slice per turn of the event loop; close() stops it. While a burst's frames
   * arrive it holds its slices back: at 50,000 pods a pass is a second of CPU, and sharing the
   * event loop slice for slice with a burst of 5,000 watch events delayed the burst's way to the
   * console by that much, on cards that a burst makes out of date anyway (it asks for another pass).
   * Between slices it rests as long as the slice took.
   */
  private refreshInSlices(): void {
    const pass = this.evaluation();
    let busyMs = 0;
    let yieldedMs = 0;
    this.slicing = true;
    const slice = () => {
      if (this.closed) return;
      const sliceStarted = performance.now();
      const wait = Math.min(this.lastBurstFrameAt + burstQuietMs - sliceStarted, maxYieldMs - yieldedMs);
      if (wait > 0) {
        yieldedMs += wait;
        setTimeout(slice, wait);
        return;
      }
      let done = false;
      try {
        while (!done && performance.now() - sliceStarted < sliceMs) done = pass.next().done === true;
      } catch (error) {
        // The estate is live data from many sources: one odd object must not stop the scorecards.
        this.options.log?.('Evaluating scorecards failed', error);
        done = true;
      }
      const sliceMsTaken = performance.now() - sliceStarted;
      busyMs += sliceMsTaken;
      if (!done) {
        // Half a core at most: a pass is background work, and the engine shares the machine with
        // the console's renderer (and, on the bench's two cores, with the sandbox sending a
        // burst). A pass that took a whole core as a burst began starved what was sending it.
        setTimeout(slice, sliceMsTaken);
        return;
      }
      // Paced by what the pass cost the event loop, not by how long the slices took to come round.
      this.lastEndedAt = performance.now();
      this.lastCostMs = busyMs;
      this.slicing = false;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    };
    slice();
  }

  /** One pass in steps (a few hundred workloads, or a rule of a service): assemble, evaluate each live one, save the fresh cards. */
  private *evaluation(): Generator<void, void, void> {
    const now = this.now();
    // Asked per workload; the answer (the settings' patterns) does not change within a pass.
    const production = new Map<string, boolean>();
    const isProduction = (context: string) => {
      let answer = production.get(context);
      if (answer === undefined) production.set(context, (answer = this.options.isProduction(context)));
      return answer;
    };
    const assembled = yield* assembleCatalogInSteps(this.options.estate, this.catalogInfo, isProduction);
    const live = new Set(this.options.sources().filter((s) => s.state === 'live').map((s) => s.id));
    const cards = new Map<string, Scorecard>();
    const fresh: Scorecard[] = [];
    const context = this.context(now);
    for (const service of assembled.services) {
      yield;
      const sourcesLive = service.workloads.some((w) => live.has(this.options.estate.get(w.id)?.sourceId ?? ''));
      const cached = this.cards.get(service.id);
      if (!sourcesLive && cached) {
        cards.set(service.id, { ...cached, stale: true });
        continue;
      }
      const card = { ...(yield* evaluateServiceInSteps(service, this.rules, context)), stale: !sourcesLive };
      cards.set(service.id, card);
      if (sourcesLive) fresh.push(card);
    }
    // Published in the turn that saves them: a sliced pass spans many turns of the event loop, and
    // a card shown before its history row is written is a card the history contradicts.
    if (fresh.length > 0) this.store.save(fresh);
    this.assembled = assembled;
    for (const [id, card] of cards) this.cards.set(id, card);
    this.asOf = now;
  }

  /** One per pass: every workload asks for the same counts, read once (they are a grouped query). */
  private context(now: number): CheckContext {
    const counts = new Map<string, ReadonlyMap<string, number>>();
    const kubeReasonCounts = (reason: string, since: number) => {
      const key = `${reason}\u0000${since}`;
      let answer = counts.get(key);
      if (!answer) counts.set(key, (answer = this.options.kubeReasonCounts(reason, since)));
      return answer;
    };
    return { reader: this.options.estate, runbooks: this.options.runbooks, kubeReasonCounts, now };
  }

  list(): {
    services: (CatalogService & { level: string | null; failing: string[] })[];
    mismatches: CatalogMismatch[];
    problems: FileProblem[];
    levels: string[];
    asOf: number;
    stale: boolean;
  } {
    const services = this.assembled.services.map((s) => {
      const card = this.cards.get(s.id);
      return { ...s, level: card?.level ?? null, failing: card ? card.results.filter((r) => r.status === 'fail').map((r) => r.ruleId) : [] };
    });
    const stale = services.some((s) => this.cards.get(s.id)?.stale ?? false);
    const oldest = Math.min(this.asOf || this.now(), ...[...this.cards.values()].map((c) => c.evaluatedAt));
    return { services, mismatches: this.assembled.mismatches, problems: [...this.rulesProblems, ...this.catalogInfo.problems], levels: this.rules.levels, asOf: stale ? oldest : this.asOf, stale };
  }

  get(id: string): { service: CatalogService; scorecard: Scorecard | null } {
    const service = this.assembled.services.find((s) => s.id === id);
    if (!service) throw new ApiError('not_found', `There is no service "${id}" in the catalog.`);
    return { service, scorecard: this.cards.get(id) ?? null };
  }

  teams(): Team[] {
    const byTeam = new Map<string, Team>();
    for (const service of this.assembled.services) {
      const name = service.team ?? service.owner ?? '(no owner)';
      const team = byTeam.get(name) ?? { name, services: [], levels: {}, failingRules: 0 };
      const card = this.cards.get(service.id);
      const level = card?.level ?? 'none';
      team.services.push(service.id);
      team.levels[level] = (team.levels[level] ?? 0) + 1;
      team.failingRules += card ? card.results.filter((r) => r.status === 'fail').length : 0;
      byTeam.set(name, team);
    }
    return [...byTeam.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  rulesInForce(): { rules: RuleSet['rules']; levels: string[]; file: string; problems: FileProblem[] } {
    return { rules: this.rules.rules, levels: this.rules.levels, file: this.rules.file, problems: this.rulesProblems };
  }

  /** Evaluates now, from the estate as it is: one service, or all. */
  evaluate(serviceId?: string): { scorecards: Scorecard[]; asOf: number } {
    this.refresh();
    if (serviceId === undefined) return { scorecards: [...this.cards.values()].filter((c) => this.assembled.services.some((s) => s.id === c.service)), asOf: this.asOf };
    const card = this.cards.get(serviceId);
    if (!card) throw new ApiError('not_found', `There is no service "${serviceId}" in the catalog.`);
    return { scorecards: [card], asOf: this.asOf };
  }

  history(serviceId: string, limit: number): HistoryEntry[] {
    return this.store.history(serviceId, limit);
  }
}
