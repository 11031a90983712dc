import type { ViewSpec } from '../../app/views.js';
import { ScreensView } from './ScreensView.js';
import { WallboardView } from './WallboardView.js';

/**
 * How the wallboard plugs into the frame:
 *   renderer/app/views.tsx:  export const views = [..., ...wallboardViews, ...];  ("g w", #/wallboard; #/screens)
 *   renderer/app/App.tsx:    the wallboard route renders alone, full screen, without the frame
 *   renderer/app/start.ts:   a screen link's page may only route to the wallboard
 */
export const wallboardViewId = 'wallboard';

export const wallboardViews: readonly ViewSpec[] = [
  {
    id: wallboardViewId,
    title: 'Wallboard',
    summary: 'The war-room screen: the open incident, its clocks, roles, runbook step, timeline and signals, for a big display',
    icon: 'eye',
    goKey: 'w',
    section: 'Daytwo',
    Component: WallboardView,
  },
  {
    id: 'screens',
    title: 'Wall screens',
    summary: 'Screen links for the room’s displays: read-only, pinned to an incident or not, revocable',
    icon: 'plug',
    goKey: 'e',
    section: 'Daytwo',
    Component: ScreensView,
  },
];
