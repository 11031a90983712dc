import { useEffect, useMemo, useRef, useState } from 'react';
import { create } from 'zustand';
import type { EntityKind, Health } from '../../../shared/estate/model.js';
import { navigate } from '../../app/route.js';
import { Icon } from '../../app/icons.js';
import { EntityDetail } from '../estate/EntityDetail.js';
import { EntityFinder } from '../estate/EntityFinder.js';
import { compileFilter, isFilterActive, noFilter, ownersIn } from '../estate/filters.js';
import type { EntityFilter } from '../estate/filters.js';
import { HealthIcon, Untrusted, healthLabel } from '../estate/parts.js';
import { kindLabel } from '../estate/rollup.js';
import { entitySearch, estateIndex, useEstateStore } from '../estate/store.js';
import { TopologyController } from './controller.js';
import { defaultExpandTo, isSyntheticId, levelOfKind, levels, revealOverrides } from './layout.js';
import type { TopologyOptions } from './layout.js';
import '../estate/estate.css';

/**
 * The estate as one picture: containment as nested boxes, traffic and alarms as lines, health
 * as colour and shape. Grouping collapses at any level, globally ("show down to namespaces")
 * or per group (double-click, Space). What the view chose survives leaving and coming back.
 */

interface TopologyUi {
  /** Null until the estate is first seen, then chosen by its size. */
  expandTo: number | null;
  /** The operator picked a level: it is kept. Until then the level follows the estate's size. */
  chosen: boolean;
  overrides: ReadonlyMap<string, boolean>;
  filter: EntityFilter;
}

const useTopologyUi = create<TopologyUi>()(() => ({ expandTo: null, chosen: false, overrides: new Map(), filter: noFilter }));

/** Palette action: narrow the graph to what is failing or degraded. */
export function showOnlyProblems(): void {
  useTopologyUi.setState((s) => ({ filter: { ...s.filter, health: new Set<Health>(['failing', 'degraded']) } }));
}

/**
 * When entities come and go (a rollout replaces pods for minutes, a burst removes thousands),
 * re-lay out at the store's cadence, but leave at least this many times the last re-layout's
 * cost between two, so a slow one cannot take every frame. Only changed subtrees are rebuilt
 * (TopologyModel), so at 50,000 pods this is tens of milliseconds, not a second.
 */
const RELAYOUT_COST_FACTOR = 3;
const MATCH_LIMIT = 500;

const filterKinds: EntityKind[] = [
  'cluster',
  'namespace',
  'node',
  'deployment',
  'statefulset',
  'daemonset',
  'pod',
  'service',
  'ingress',
  'loadbalancer',
  'database',
  'alarm',
];

export function TopologyView({ rest }: { rest: string[] }) {
  const selectedId = rest[0] ?? null;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const controllerRef = useRef<TopologyController | null>(null);
  const phase = useEstateStore((s) => s.phase);
  const structureVersion = useEstateStore((s) => s.structureVersion);
  const ui = useTopologyUi();
  const [hoverId, setHoverId] = useState<string | null>(null);
  // The finder's text, as a ref: a keystroke highlights the matches on the canvas without
  // rendering the whole view again (at 50,000 pods that render was most of a keystroke's script).
  const query = useRef('');
  const [zoom, setZoom] = useState(1);

  // The first time the estate is seen, pick how deep to show it by its size.
  useEffect(() => {
    // Until the operator picks a level, follow the estate's size: the estate streams in while
    // the clusters list, so the first 'ready' can see a few hundred of 50,000 pods, and keeping
    // the level chosen then drew every pod once they had all arrived.
    if (ui.chosen || phase !== 'ready') return;
    let pods = 0;
    for (const e of estateIndex.entities.values()) if (e.kind === 'pod') pods++;
    const level = defaultExpandTo(pods);
    if (level !== ui.expandTo) useTopologyUi.setState({ expandTo: level });
  }, [phase, ui.expandTo, ui.chosen, structureVersion]);

  const options: TopologyOptions | null = useMemo(
    () =>
      ui.expandTo === null
        ? null
        : { expandTo: ui.expandTo, overrides: ui.overrides, filter: isFilterActive(ui.filter) ? compileFilter(ui.filter) : null },
    [ui.expandTo, ui.overrides, ui.filter],
  );
  const optionsRef = useRef(options);

  useEffect(() => {
    const canvas = canvasRef.current;
    const overlay = overlayRef.current;
    if (!canvas || !overlay) return;
    const controller = new TopologyController(canvas, overlay, estateIndex, {
      // The nodes group is the view's own, not an entity: a click opens or closes it instead.
      onSelect: (id) => (id === null ? navigate('topology') : isSyntheticId(id) ? toggleGroup(id, controller) : navigate('topology', id)),
      onToggle: (id) => toggleGroup(id, controller),
      onHover: setHoverId,
    });
    controllerRef.current = controller;
    // Data changes arrive through the store at its publishing cadence; subscribe outside React
    // so a health change repaints the canvas without rendering this component.
    let lastStructure = useEstateStore.getState().structureVersion;
    let relayoutTimer: ReturnType<typeof setTimeout> | null = null;
    let lastRelayout = 0;
    let lastCost = 0;
    const unsubscribe = useEstateStore.subscribe((state) => {
      if (state.structureVersion !== lastStructure) {
        lastStructure = state.structureVersion;
        if (relayoutTimer) return;
        const wait = Math.max(0, lastRelayout + RELAYOUT_COST_FACTOR * lastCost - performance.now());
        relayoutTimer = setTimeout(() => {
          relayoutTimer = null;
          lastRelayout = performance.now();
          if (optionsRef.current) controller.relayout(optionsRef.current);
          lastCost = performance.now() - lastRelayout;
        }, wait);
      } else {
        controller.refresh();
      }
    });
    const zoomTimer = setInterval(() => setZoom(controller.zoom), 300);
    return () => {
      unsubscribe();
      if (relayoutTimer) clearTimeout(relayoutTimer);
      clearInterval(zoomTimer);
      controller.destroy();
      controllerRef.current = null;
    };
  }, []);

  useEffect(() => {
    optionsRef.current = options;
    if (options) controllerRef.current?.relayout(options);
  }, [options]);

  useEffect(() => {
    const controller = controllerRef.current;
    if (!controller) return;
    controller.setSelected(selectedId);
  }, [selectedId, options]);

  const showMatches = () => controllerRef.current?.setMatches(entitySearch.search(query.current, MATCH_LIMIT).map((e) => e.id));
  // A new layout draws the matches of the text typed so far.
  useEffect(showMatches, [options]);

  /** Select an entity and make sure it is drawn: open every group above it, then centre on it. */
  const goTo = (id: string) => {
    const { overrides } = useTopologyUi.getState();
    const next = revealOverrides(estateIndex, id, overrides);
    useTopologyUi.setState({ overrides: next });
    navigate('topology', id);
    // After the re-layout the new options cause (next effect pass), centre on it.
    requestAnimationFrame(() => controllerRef.current?.reveal(id));
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLCanvasElement>) => {
    const c = controllerRef.current;
    if (!c || e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? 240 : 60;
    const handled = (() => {
      switch (e.key) {
        case '+':
        case '=':
          c.zoomBy(1.25);
          return true;
        case '-':
        case '_':
          c.zoomBy(0.8);
          return true;
        case '0':
          c.fit();
          return true;
        case 'ArrowLeft':
          c.panBy(step, 0);
          return true;
        case 'ArrowRight':
          c.panBy(-step, 0);
          return true;
        case 'ArrowUp':
          c.panBy(0, step);
          return true;
        case 'ArrowDown':
          c.panBy(0, -step);
          return true;
        case 'j':
        case 'k':
        case 'h':
        case 'l': {
          const dir = ({ j: 'next', k: 'previous', h: 'parent', l: 'child' } as const)[e.key];
          const id = c.neighbour(dir);
          if (id) {
            navigate('topology', id);
            requestAnimationFrame(() => c.reveal(id));
          }
          return true;
        }
        case ' ':
        case 'e':
          if (selectedId) toggleGroup(selectedId, c);
          return true;
        case 'Enter':
          if (selectedId) c.reveal(selectedId);
          return true;
        case 'Escape':
          if (selectedId) navigate('topology');
          return selectedId !== null;
        default:
          return false;
      }
    })();
    if (handled) e.preventDefault();
  };

  const hovered = hoverId ? estateIndex.get(hoverId) : undefined;
  const owners = useOwners(structureVersion);

  return (
    <div className={`topology-view ${selectedId ? 'has-detail' : ''}`}>
      <div className="topology-main">
        <header className="topology-toolbar">
          <h1 tabIndex={-1}>Topology</h1>
          <EntityFinder
            onPick={(e) => goTo(e.id)}
            onQuery={(text) => {
              query.current = text;
              showMatches();
            }}
          />
          <LevelChooser value={ui.expandTo} />
          <div className="toolbar-zoom" role="group" aria-label="Zoom">
            <button type="button" className="icon-button" aria-label="Zoom out" title="Zoom out (−)" onClick={() => controllerRef.current?.zoomBy(0.8)}>
              −
            </button>
            <span className="zoom-level" aria-live="polite">
              {Math.round(zoom * 100)}%
            </span>
            <button type="button" className="icon-button" aria-label="Zoom in" title="Zoom in (+)" onClick={() => controllerRef.current?.zoomBy(1.25)}>
              +
            </button>
            <button type="button" className="button" title="Fit the whole estate (0)" onClick={() => controllerRef.current?.fit()}>
              Fit
            </button>
          </div>
          <FilterBar filter={ui.filter} owners={owners} />
        </header>
        <div className="topology-canvas-wrap">
          <canvas
            ref={canvasRef}
            className="topology-canvas"
            tabIndex={0}
            role="application"
            aria-roledescription="topology graph"
            aria-label="Estate topology. Arrow keys pan, plus and minus zoom, 0 fits, j and k move the selection, h goes to the containing group, l into it, Space expands or collapses, Escape clears."
            data-autofocus={selectedId ? '' : undefined}
            data-testid="topology-canvas"
            onKeyDown={onKeyDown}
          />
          <canvas ref={overlayRef} className="topology-overlay" aria-hidden="true" />
          {phase === 'loading' ? <p className="topology-empty muted">Loading the estate…</p> : null}
        </div>
        <footer className="topology-status" aria-live="polite">
          {hovered ? (
            <span className="topology-hover">
              <HealthIcon health={hovered.health} />
              <span className="muted">{kindLabel[hovered.kind]}</span>
              <Untrusted text={hovered.name} className="strong" />
              <Untrusted text={hovered.healthReason} className="muted" />
            </span>
          ) : (
            <span className="muted">
              Drag to pan, wheel to zoom, click to open, double-click to expand or collapse. Keys: <kbd>+</kbd> <kbd>−</kbd> <kbd>0</kbd>{' '}
              <kbd>←↑→↓</kbd> <kbd>j</kbd>/<kbd>k</kbd> <kbd>h</kbd>/<kbd>l</kbd> <kbd>Space</kbd>
            </span>
          )}
          <Legend />
        </footer>
      </div>
      {selectedId && !isSyntheticId(selectedId) ? (
        <EntityDetail
          id={selectedId}
          onOpen={goTo}
          onClose={() => {
            navigate('topology');
          }}
          takeFocus={false}
        />
      ) : null}
    </div>
  );
}

function toggleGroup(id: string, controller: TopologyController): void {
  if (!controller.isGroup(id)) return;
  const { overrides, expandTo } = useTopologyUi.getState();
  // Flip what is drawn now: the group's own choice if it has one, else its level's default.
  const level = isSyntheticId(id) ? 5 : levelOfKind[estateIndex.get(id)?.kind ?? 'pod'];
  const expandedNow = overrides.get(id) ?? level < (expandTo ?? 6);
  useTopologyUi.setState({ overrides: new Map(overrides).set(id, !expandedNow) });
}

function LevelChooser({ value }: { value: number | null }) {
  return (
    <label className="toolbar-field">
      <select
        className="filter select"
        value={value ?? 6}
        aria-label="Show down to"
        onChange={(e) => useTopologyUi.setState({ expandTo: Number(e.target.value), chosen: true, overrides: new Map() })}
      >
        {levels.slice(1).map((l) => (
          <option key={l.level} value={l.level}>
            down to {l.label.toLowerCase()}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The owners the filter offers, found again after structure changes when the browser is idle:
 * walking 50,000 entities for them took 16–22 ms of every re-render a burst caused, ahead of the
 * re-layout that shows the burst.
 */
function useOwners(structureVersion: number): string[] {
  const [owners, setOwners] = useState(() => ownersIn(estateIndex.entities.values()));
  const shown = useRef(structureVersion);
  useEffect(() => {
    if (shown.current === structureVersion) return;
    const find = () => {
      shown.current = structureVersion;
      const found = ownersIn(estateIndex.entities.values());
      setOwners((before) => (before.length === found.length && before.every((o, i) => o === found[i]) ? before : found));
    };
    if (typeof requestIdleCallback !== 'function') {
      const timer = setTimeout(find, 500);
      return () => clearTimeout(timer);
    }
    const handle = requestIdleCallback(find, { timeout: 2_000 });
    return () => cancelIdleCallback(handle);
  }, [structureVersion]);
  return owners;
}

function FilterBar({ filter, owners }: { filter: EntityFilter; owners: string[] }) {
  const set = (patch: Partial<EntityFilter>) => useTopologyUi.setState({ filter: { ...filter, ...patch } });
  const toggleHealth = (h: Health) => {
    const next = new Set(filter.health);
    if (next.has(h)) next.delete(h);
    else next.add(h);
    set({ health: next });
  };
  return (
    <div className="filter-bar" role="group" aria-label="Filters">
      <div className="health-toggles" role="group" aria-label="Health">
        {(['failing', 'degraded', 'unknown', 'healthy'] as const).map((h) => (
          <button
            key={h}
            type="button"
            className={`chip ${filter.health.has(h) ? 'is-on' : ''}`}
            aria-pressed={filter.health.has(h)}
            title={`Only ${h}`}
            onClick={() => toggleHealth(h)}
          >
            <HealthIcon health={h} />
            <span>{healthLabel(h)}</span>
          </button>
        ))}
      </div>
      <select
        className="filter select"
        aria-label="Kind"
        value={filter.kinds.size === 1 ? [...filter.kinds][0] : ''}
        onChange={(e) => set({ kinds: e.target.value ? new Set([e.target.value as EntityKind]) : new Set() })}
      >
        <option value="">Any kind</option>
        {filterKinds.map((k) => (
          <option key={k} value={k}>
            {kindLabel[k]}
          </option>
        ))}
      </select>
      <select className="filter select" aria-label="Owner or team" value={filter.owner} onChange={(e) => set({ owner: e.target.value })}>
        <option value="">Any owner</option>
        {owners.map((o) => (
          <option key={o} value={o}>
            {o.length > 60 ? `${o.slice(0, 60)}…` : o}
          </option>
        ))}
      </select>
      <input
        type="search"
        className="filter label-filter"
        placeholder="label=value"
        aria-label="Label filter, key or key=value (a trailing * matches a prefix)"
        value={filter.label}
        onChange={(e) => set({ label: e.target.value })}
      />
      {isFilterActive(filter) ? (
        <button type="button" className="button" onClick={() => set(noFilter)}>
          <Icon name="close" /> Clear
        </button>
      ) : null}
    </div>
  );
}

function Legend() {
  return (
    <ul className="topology-legend" aria-label="Legend">
      {(['failing', 'degraded', 'unknown', 'healthy'] as const).map((h) => (
        <li key={h}>
          <HealthIcon health={h} withLabel />
        </li>
      ))}
    </ul>
  );
}
