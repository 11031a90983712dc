import type { ViewSpec } from '../../app/views.js';
import { DrillsView } from './DrillsView.js';

/**
 * How drills plug into the frame:
 *   renderer/app/views.tsx:  export const views = [..., ...drillsViews, ...];  ("g d", #/drills, palette "Go to Drills")
 *   renderer/app/App.tsx:    <DrillBanner /> once, under <ConnectionBanner />, so every view shows a running drill
 */
export const drillsViews: readonly ViewSpec[] = [
  {
    id: 'drills',
    title: 'Drills',
    summary: 'Game days on the sandbox: start or deal a scenario, run it as game master, scoreboard, report, history',
    icon: 'degraded',
    goKey: 'd',
    section: 'Daytwo',
    Component: DrillsView,
  },
];

export { DrillBanner } from './DrillBanner.js';
