import type { Entity } from '../../../shared/estate/model.js';
import type { ViewSpec } from '../../app/views.js';
import type { Command } from '../../app/palette/commands.js';
import { navigate } from '../../app/route.js';
import { requestFinder } from '../estate/EntityFinder.js';
import { lazyView } from '../../app/lazy-view.js';
import { kindsWithMetrics } from './kinds.js';
import { setRange } from './metrics-store.js';

/**
 * How metrics plug into the frame and the estate views:
 *   renderer/app/views.tsx:            export const views = [...estateViews, ...metricsViews, ...alertsViews, …];
 *   renderer/app/palette/commands.ts:  return [...goTo, ...estateCommands(), ...metricsCommands(null), …];
 *   renderer/app/App.tsx (PaletteHost): ...metricsCommands(focusedId ? (estateIndex.get(focusedId) ?? null) : null)
 *       in place of the line above, so an open entity is offered by name.
 *   entity detail panel (renderer/features/estate/EntityDetail.tsx): <EntityMetricsLink entity={entity} />
 *       next to <EntityActions entity={entity} />; it renders nothing for kinds without metrics.
 */

export const metricsViews: readonly ViewSpec[] = [
  {
    id: 'metrics',
    title: 'Metrics',
    summary: 'Golden signals of a service, workload or node: live, cached offline, with events and alarm thresholds',
    icon: 'eye',
    goKey: 'm',
    section: 'Estate',
    // Fetched when first shown (app/lazy-view.tsx).
    Component: lazyView(() => import('./MetricsView.js').then((m) => m.MetricsView)),
  },
];

export function openMetrics(entityId: string): void {
  navigate('metrics', entityId);
}

/** The golden signals of an entity over a fixed window (an incident's), with its events marked. */
export function openMetricsOver(entityId: string, start: number, end: number): void {
  setRange({ kind: 'custom', start, end });
  navigate('metrics', entityId);
}

/** "Show metrics for <the open entity>" when one is open, and "Show metrics for…" always. */
export function metricsCommands(focused: Entity | null): Command[] {
  const commands: Command[] = [];
  if (focused && kindsWithMetrics.has(focused.kind)) {
    commands.push({
      id: 'metrics.focused',
      title: `Show metrics for ${focused.name}`,
      section: 'Go to',
      icon: 'eye',
      keywords: 'metrics chart graph latency errors traffic saturation cpu memory golden signals',
      run: () => openMetrics(focused.id),
    });
  }
  commands.push({
    id: 'metrics.find',
    title: 'Show metrics for…',
    section: 'Go to',
    icon: 'eye',
    keywords: 'metrics chart graph latency errors traffic saturation cpu memory golden signals find entity',
    run: () => {
      requestFinder();
      navigate('metrics');
    },
  });
  return commands;
}

export { EntityMetricsLink } from './EntityMetricsLink.js';
export { kindsWithMetrics } from './kinds.js';
