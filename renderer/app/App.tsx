import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Sidebar } from './Sidebar.js';
import { StatusBar } from './StatusBar.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { Notices } from './Notices.js';
import { CommandPalette } from './palette/CommandPalette.js';
import { availableCommands } from './palette/commands.js';
import { usePaletteStore } from './palette/palette-store.js';
import { useRouteStore } from './route.js';
import { findView } from './views.js';
import { useEngineStore } from './engine-store.js';
import { useThemeOnDocument } from './theme.js';
import { useGlobalKeys } from './use-global-keys.js';
import { reconnectEngine } from './start.js';
import { useSettingsStore } from '../features/settings/settings-store.js';
import { OperationDialog, operationCommands } from '../features/operations/register.js';
import { estateIndex } from '../features/estate/store.js';
import { metricsCommands } from '../features/metrics/register.js';
import { DeclareDialog, incidentCommands } from '../features/incidents/register.js';
import { drillCommands } from '../features/drills/drill-commands.js';
import { useDrillsStore } from '../features/drills/drills-store.js';
import { catalogCommands, useCatalogStore } from '../features/catalog/register.js';
import { wallboardViewId } from '../features/wallboard/register.js';
import { DrillBanner } from '../features/drills/register.js';

export function App() {
  useThemeOnDocument();
  useGlobalKeys();
  const route = useRouteStore((s) => s.route);
  const moved = useRouteStore((s) => s.moved);
  const view = findView(route.view);
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = view ? `${view.title} · Daytwo` : 'Daytwo';
    // After an in-app move, put focus at the top of the new view so keyboard and screen
    // reader users start there, not on a nav link that is no longer relevant.
    // A view may name a more specific target (a deep link to a row or section).
    if (!moved) return;
    const target = mainRef.current?.querySelector<HTMLElement>('[data-autofocus]');
    if (target) target.focus();
    else mainRef.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true });
  }, [view, moved, route]);

  // The wallboard stands alone on its display: no navigation, no palette, nothing to click.
  if (view?.id === wallboardViewId) return <view.Component key={view.id} rest={route.rest} />;

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <Sidebar />
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        <ConnectionBanner />
        <DrillBanner />
        {view ? <view.Component key={view.id} rest={route.rest} /> : null}
      </main>
      <StatusBar />
      <Notices />
      <PaletteHost />
      <OperationDialog />
      <DeclareDialog />
    </div>
  );
}

function PaletteHost() {
  const open = usePaletteStore((s) => s.open);
  const theme = useSettingsStore((s) => s.settings?.theme ?? 'system');
  const { status, kind, readOnly } = useEngineStore(
    useShallow((s) => ({ status: s.link.status, kind: s.linkKind, readOnly: s.info?.readOnly ?? true })),
  );
  // The entity whose detail panel is open (#/overview/<id>, #/topology/<id>) gets its operations offered.
  const focusedId = useRouteStore((s) =>
    s.route.view === 'overview' || s.route.view === 'topology' || s.route.view === 'metrics' ? s.route.rest[0] : undefined,
  );
  const openIncidentId = useRouteStore((s) => (s.route.view === 'incidents' ? (s.route.rest[0] ?? null) : null));
  const catalogList = useCatalogStore((s) => s.list);
  const catalogTeams = useCatalogStore((s) => s.teams);
  const { runningDrill, drillScenarios } = useDrillsStore(useShallow((s) => ({ runningDrill: s.running, drillScenarios: s.scenarios })));
  const commands = useMemo(
    () => [
      ...availableCommands({ theme, canReconnect: kind === 'host' && status === 'reconnecting', reconnect: reconnectEngine }),
      ...operationCommands(focusedId ? (estateIndex.get(focusedId) ?? null) : null, readOnly),
      ...metricsCommands(focusedId ? (estateIndex.get(focusedId) ?? null) : null),
      ...incidentCommands(focusedId ? (estateIndex.get(focusedId) ?? null) : null, openIncidentId, readOnly),
      ...catalogCommands(catalogList, catalogTeams),
      ...(readOnly ? [] : drillCommands(runningDrill, drillScenarios)),
    ],
    [theme, status, kind, readOnly, focusedId, openIncidentId, catalogList, catalogTeams, runningDrill, drillScenarios],
  );
  return open ? <CommandPalette commands={commands} /> : null;
}
