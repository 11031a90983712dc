import type { ViewSpec } from '../../app/views.js';
import type { Command } from '../../app/palette/commands.js';
import { navigate, useRouteStore } from '../../app/route.js';
import { OverviewView } from './OverviewView.js';
import { TopologyView, showOnlyProblems } from '../topology/TopologyView.js';
import { requestFinder } from './EntityFinder.js';

/**
 * How the estate views plug into the frame. The frame's registries (renderer/app/views.tsx,
 * renderer/app/palette/commands.ts, renderer/app/start.ts) spread these in:
 *   views.tsx:     export const views = [...estateViews, …];  defaultViewId = 'overview'
 *   commands.ts:   return [...goTo, ...estateCommands(), …];
 *   start.ts:      startEstate();   (from ./store.js, after watchSources())
 */
export { startEstate } from './store.js';

export const estateViews: readonly ViewSpec[] = [
  {
    id: 'overview',
    title: 'Overview',
    summary: 'Health by cloud, cluster and namespace; what is degraded and why, worst first',
    icon: 'live',
    goKey: 'o',
    section: 'Estate',
    Component: OverviewView,
  },
  {
    id: 'topology',
    title: 'Topology',
    summary: 'The estate as one graph: zoom, pan, group, filter and follow relations',
    icon: 'search',
    goKey: 't',
    section: 'Estate',
    Component: TopologyView,
  },
];

/** Palette commands beyond "Go to …", which the frame makes from estateViews itself. */
export function estateCommands(): Command[] {
  return [
    {
      id: 'estate.find',
      title: 'Find entity…',
      section: 'Go to',
      icon: 'search',
      keywords: 'search pod deployment service node cluster namespace jump',
      run: () => {
        // Stay in the estate view the operator is in; otherwise search from the topology.
        const current = useRouteStore.getState().route.view;
        requestFinder();
        navigate(current === 'overview' ? 'overview' : 'topology');
      },
    },
    {
      id: 'estate.problems',
      title: 'Show only failing and degraded in the topology',
      section: 'Go to',
      icon: 'degraded',
      keywords: 'filter unhealthy broken problems',
      run: () => {
        showOnlyProblems();
        navigate('topology');
      },
    },
  ];
}
