import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { rectAfterLayout, scrollAfterMount } from './virtual-mount.js';
import type { HealthGroup } from '../../../shared/estate/health.js';
import type { Source } from '../../../shared/api/sources.js';
import { useClockStore } from '../../app/clock.js';
import { navigate } from '../../app/route.js';
import { Icon } from '../../app/icons.js';
import { EntityDetail } from './EntityDetail.js';
import { EntityFinder } from './EntityFinder.js';
import { entityFreshness, groupFreshness } from './freshness.js';
import { FreshnessTag, HealthBar, HealthIcon, Untrusted, healthLabel } from './parts.js';
import { groupKey, kindLabel, lastOverviewCostMs, locationOf, overviewFromAnswer, overviewOf } from './rollup.js';
import type { EstateOverview, GroupExtras } from './rollup.js';
import { PUBLISH_MS, estateIndex, firstOverviewDrawn, useEstateStore } from './store.js';
import './estate.css';
import { FirstRun } from '../sources/FirstRun.js';

/**
 * The first thing an SRE opens: is anything wrong, where, and why, worst first, and how fresh
 * each part of that answer is. Rows open the entity in the detail panel beside the list
 * (#/overview/<entity id>), so the list keeps its place while following a lead.
 */
export function OverviewView({ rest }: { rest: string[] }) {
  const selectedId = rest[0] ?? null;
  const version = useCostlyVersion();
  const phase = useEstateStore((s) => s.phase);
  const error = useEstateStore((s) => s.error);
  const asOf = useEstateStore((s) => s.asOf);
  const sources = useEstateStore((s) => s.sources);
  const now = useClockStore((s) => s.now);
  // The engine's overview until the console holds the estate itself (store.ts, firstOverview).
  const firstOverview = useEstateStore((s) => s.firstOverview);
  // Derived once per published version (at most ten times a second), never per frame.
  const overview = useMemo(() => {
    void version;
    return firstOverview ? overviewFromAnswer(firstOverview) : overviewOf(estateIndex);
  }, [version, firstOverview]);
  useEffect(() => {
    if (!firstOverview) return;
    // After the browser has painted it: then the store may hold the page to unpack the snapshot.
    const frame = requestAnimationFrame(() => setTimeout(firstOverviewDrawn, 0));
    return () => cancelAnimationFrame(frame);
  }, [firstOverview]);
  const open = (id: string) => navigate('overview', id);
  const { summary } = overview;
  const clusterCount = summary.clusters.length;

  return (
    <div
      className={`view estate-view ${selectedId ? 'has-detail' : ''}`}
      onKeyDown={(e) => {
        // Escape closes the detail from anywhere in the view, not only from inside the panel.
        if (e.key === 'Escape' && selectedId && !e.defaultPrevented && !(e.target instanceof HTMLInputElement)) {
          e.preventDefault();
          navigate('overview');
        }
      }}
    >
      <div className="estate-main">
        <header className="view-header">
          <div className="view-heading">
            <h1 tabIndex={-1}>Estate overview</h1>
            <p className="view-summary">
              {summary.total.toLocaleString()} resources in {clusterCount} {clusterCount === 1 ? 'cluster' : 'clusters'} across{' '}
              {summary.clouds.length} {summary.clouds.length === 1 ? 'cloud' : 'clouds'}
              {asOf ? ` · as of ${new Date(asOf).toLocaleTimeString()}` : ''}
            </p>
          </div>
          <div className="view-tools">
            <Totals counts={summary.counts} />
            <EntityFinder onPick={(e) => open(e.id)} />
            <button type="button" className="button" onClick={() => navigate('topology', ...(selectedId ? [selectedId] : []))}>
              Topology <kbd>g</kbd>
              <kbd>t</kbd>
            </button>
          </div>
        </header>

        {error ? (
          <div className="callout tone-warn" role="status">
            <Icon name="offline" />
            <span>
              <strong>{phase === 'error' ? 'The estate could not be loaded.' : 'Showing the last estate received.'}</strong>{' '}
              <Untrusted text={error} />
            </span>
          </div>
        ) : null}
        {phase === 'loading' && !firstOverview ? <p className="muted">Loading the estate…</p> : null}
        {phase !== 'loading' && summary.total === 0 && sources.size === 0 ? <FirstRun /> : null}
        {phase !== 'loading' && summary.total === 0 && sources.size > 0 ? (
          <p className="muted">Nothing reported yet. Sources appear here as soon as they sync.</p>
        ) : null}

        {summary.total > 0 ? (
          <>
            <ProblemList overview={overview} selectedId={selectedId} now={now} onOpen={open} />
            <GroupTable title="Clusters" groups={summary.clusters} overview={overview} sources={sources} now={now} onOpen={open} />
            <GroupTable title="Clouds" groups={summary.clouds} overview={overview} sources={sources} now={now} onOpen={open} />
            <GroupTable
              title="Namespaces"
              count={overview.namespaceCount}
              groups={summary.namespaces}
              overview={overview}
              sources={sources}
              now={now}
              onOpen={open}
              virtual
            />
          </>
        ) : null}
      </div>
      {selectedId ? <EntityDetail id={selectedId} onOpen={open} onClose={() => navigate('overview')} /> : null}
    </div>
  );
}

/**
 * The published version, but no more often than this view can afford: summarising a
 * 10,000-pod estate takes tens of milliseconds, so the overview refreshes at most every four
 * times its own last cost (and at the store's cadence on small estates).
 */
function useCostlyVersion(): number {
  const [shown, setShown] = useState(() => useEstateStore.getState().version);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const unsubscribe = useEstateStore.subscribe((state) => {
      if (timer) return;
      const wait = Math.max(0, last + Math.max(PUBLISH_MS, lastOverviewCostMs() * 4) - performance.now());
      timer = setTimeout(() => {
        timer = null;
        last = performance.now();
        setShown(state.version === useEstateStore.getState().version ? state.version : useEstateStore.getState().version);
      }, wait);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return shown;
}

function Totals({ counts }: { counts: Record<'failing' | 'degraded' | 'unknown' | 'healthy', number> }) {
  return (
    <ul className="state-counts" aria-label="Resources by health">
      {(['failing', 'degraded', 'unknown', 'healthy'] as const).map((h) => (
        <li key={h}>
          <HealthIcon health={h} />
          <span>
            {counts[h].toLocaleString()} {h}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Enter or Space on a focused row opens it, as a click does. */
function rowKeys(open: () => void) {
  return (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      // Move between rows without tabbing through every cell.
      e.preventDefault();
      const rows = [...(e.currentTarget.closest('[data-rows]')?.querySelectorAll<HTMLElement>('[data-row]') ?? [])];
      const next = rows[rows.indexOf(e.currentTarget) + (e.key === 'ArrowDown' ? 1 : -1)];
      next?.focus();
    }
  };
}

function GroupTable({
  title,
  count,
  groups,
  overview,
  sources,
  now,
  onOpen,
  virtual = false,
}: {
  title: string;
  /** How many there are, when `groups` lists only the first (the engine's first answer). */
  count?: number;
  groups: HealthGroup[];
  overview: EstateOverview;
  sources: ReadonlyMap<string, Source>;
  now: number;
  onOpen: (id: string) => void;
  virtual?: boolean;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rowHeight = 34;
  const useVirtual = virtual && groups.length > 60;
  const maxHeight = 420;
  // The long table (namespaces) comes after the problems, clusters and clouds, below the fold on
  // a first load: its rows are drawn in a background render just after the first paint, not in
  // it (a third of the first paint's elements at 50,000 pods). Its height is set meanwhile, so
  // nothing moves when they come.
  const deferred = useDeferredValue(groups, virtual ? null : groups);
  const drawn = virtual ? deferred : groups;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: useVirtual ? (drawn ?? groups).length : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    // The height it will measure, so the first render already lists the rows that show, and
    // measuring does not render them again.
    initialRect: { width: 0, height: maxHeight },
    observeElementRect: rectAfterLayout,
    scrollToFn: scrollAfterMount,
  });
  const rows = drawn === null ? [] : useVirtual ? virtualizer.getVirtualItems().map((v) => ({ group: drawn[v.index]!, start: v.start })) : drawn.map((g) => ({ group: g, start: 0 }));
  const emptyExtras: GroupExtras = { sourceIds: new Set(), pods: { failing: 0, degraded: 0, unknown: 0, healthy: 0 } };

  return (
    <section className="panel estate-panel" aria-label={title}>
      <h2>
        {title} <span className="count">{count ?? groups.length}</span>
      </h2>
      <div className="estate-table" role="table" aria-label={`${title} by health, worst first`}>
        <div className="estate-row estate-head" role="row">
          <span role="columnheader">Health</span>
          <span role="columnheader">Name</span>
          <span role="columnheader">Resources</span>
          <span role="columnheader">Pods</span>
          <span role="columnheader">Worst problem</span>
          <span role="columnheader">Freshness</span>
        </div>
        <div
          ref={scrollRef}
          className={useVirtual ? 'estate-scroll' : undefined}
          data-rows
          role="rowgroup"
          style={useVirtual ? { maxHeight } : undefined}
        >
          <div style={useVirtual ? { height: virtualizer.getTotalSize(), position: 'relative' } : undefined}>
            {rows.map(({ group, start }) => {
              const extras = overview.extras.get(groupKey(group.kind, group.id)) ?? emptyExtras;
              const freshness = groupFreshness(extras.sourceIds, sources, now);
              const problem = group.problems[0];
              const podTotal = extras.pods.failing + extras.pods.degraded + extras.pods.unknown + extras.pods.healthy;
              const openable = estateIndex.get(group.id) !== undefined;
              const open = () => openable && onOpen(group.id);
              return (
                <div
                  key={group.id}
                  role="row"
                  tabIndex={0}
                  data-row
                  data-entity-id={group.id}
                  className={`estate-row estate-group-row health-${group.health}`}
                  style={useVirtual ? { position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start}px)` } : undefined}
                  onClick={open}
                  onKeyDown={rowKeys(open)}
                  aria-label={`${group.name}: ${healthLabel(group.health)}`}
                >
                  <span role="cell">
                    <HealthIcon health={group.health} withLabel />
                  </span>
                  <span role="cell" className="cell-name">
                    <Untrusted text={group.name} className="strong" />
                    {group.within ? <Untrusted text={group.within} className="sub" /> : null}
                  </span>
                  <span role="cell">
                    <HealthBar counts={group.counts} />
                  </span>
                  <span role="cell" className="cell-pods">
                    {podTotal > 0 ? (
                      <>
                        <span
                          title={`${extras.pods.failing} failing, ${extras.pods.degraded} degraded, ${extras.pods.unknown} unknown, ${extras.pods.healthy} healthy`}
                        >
                          {extras.pods.healthy.toLocaleString()}
                          <span className="muted">/{podTotal.toLocaleString()} ok</span>
                        </span>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </span>
                  <span role="cell" className="cell-problem">
                    {problem ? (
                      <>
                        <span className="problem-name">
                          {kindLabel[problem.kind]} <Untrusted text={problem.name} />
                          {group.problemCount > 1 ? <span className="more">+{(group.problemCount - 1).toLocaleString()} more</span> : null}
                        </span>
                        <Untrusted text={problem.reason} className="muted" />
                      </>
                    ) : (
                      <span className="muted">nothing degraded</span>
                    )}
                  </span>
                  <span role="cell">
                    <FreshnessTag freshness={freshness} />
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

function ProblemList({
  overview,
  selectedId,
  now,
  onOpen,
}: {
  overview: EstateOverview;
  selectedId: string | null;
  now: number;
  onOpen: (id: string) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const sources = useEstateStore((s) => s.sources);
  const { problems, rowCount, placed } = overview;
  const total = overview.summary.problemCount;
  const rowHeight = 34;
  const height = Math.min(problems.length * rowHeight + 2, 440);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: problems.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // As in GroupTable: the rows that show, from the first render.
    initialRect: { width: 0, height },
    observeElementRect: rectAfterLayout,
    scrollToFn: scrollAfterMount,
  });

  return (
    <section className="panel estate-panel" aria-label="What is wrong, worst first">
      <h2>
        What is wrong, worst first{' '}
        <span className="count" title={`${total.toLocaleString()} degraded or failing resources; pods are folded into their workload`}>
          {rowCount.toLocaleString()}
        </span>
      </h2>
      {problems.length === 0 ? (
        <p className="muted">Nothing is degraded or failing.</p>
      ) : (
        <div className="estate-table" role="table" aria-label="Degraded and failing resources, worst first">
          <div className="estate-row estate-problem-row estate-head" role="row">
            <span role="columnheader">Health</span>
            <span role="columnheader">Kind</span>
            <span role="columnheader">Name</span>
            <span role="columnheader">Where</span>
            <span role="columnheader">Why</span>
            <span role="columnheader">Freshness</span>
          </div>
          <div ref={scrollRef} className="estate-scroll" data-rows role="rowgroup" style={{ maxHeight: height }}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const { problem, effective, pods } = problems[item.index]!;
                const folded = pods ? pods.failing + pods.degraded : 0;
                const entity = estateIndex.get(problem.id);
                // Before the index holds the estate, where the engine placed it and who reported it.
                const where = entity ? null : placed?.get(problem.id);
                const freshness = entity
                  ? entityFreshness(entity, sources, now)
                  : where
                    ? entityFreshness({ sourceId: where.sourceId, observedAt: problem.observedAt }, sources, now)
                    : null;
                const open = () => onOpen(problem.id);
                return (
                  <div
                    key={problem.id}
                    role="row"
                    tabIndex={0}
                    data-row
                    data-entity-id={problem.id}
                    aria-selected={problem.id === selectedId}
                    className={`estate-row estate-problem-row health-${effective} ${problem.id === selectedId ? 'selected' : ''}`}
                    style={{ position: 'absolute', top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${item.start}px)` }}
                    onClick={open}
                    onKeyDown={rowKeys(open)}
                  >
                    <span role="cell">
                      <HealthIcon health={problem.health} withLabel />
                    </span>
                    <span role="cell" className="muted">
                      {kindLabel[problem.kind]}
                    </span>
                    <span role="cell">
                      <Untrusted text={problem.name} className="strong" />
                    </span>
                    <span role="cell">
                      <Untrusted text={entity ? locationOf(estateIndex, entity) : (where?.location ?? '')} className="muted" />
                    </span>
                    <span role="cell" className="cell-why">
                      <Untrusted text={problem.reason} />
                      {folded > 0 ? (
                        <span className={`folded ${pods!.failing > 0 ? 'tone-bad' : 'tone-warn'}`}>
                          {folded} {folded === 1 ? 'pod' : 'pods'} {pods!.failing > 0 ? 'failing' : 'degraded'}
                        </span>
                      ) : null}
                    </span>
                    <span role="cell">{freshness ? <FreshnessTag freshness={freshness} /> : null}</span>
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
