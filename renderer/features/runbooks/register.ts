import type { ViewSpec } from '../../app/views.js';
import { lazyView } from '../../app/lazy-view.js';

/**
 * How runbooks plug into the frame: renderer/app/views.tsx lists `...runbooksViews` ("g r",
 * #/runbooks, #/runbooks/book/<id>[?param=value…], #/runbooks/run/<id>); the alerts list puts
 * <RunbookForAlert alert={alert} /> on each row; the incident view shows <RunbooksForIncident />.
 */
export { RunbookForAlert } from './RunbookForAlert.js';
export { RunbooksForIncident } from './RunbookOffers.js';
export const runbooksViews: readonly ViewSpec[] = [
  {
    id: 'runbooks',
    title: 'Runbooks',
    summary: 'Guided runbooks: live checks, guarded actions, approvals, resumable runs',
    icon: 'help',
    goKey: 'r',
    section: 'Daytwo',
    // Fetched when first shown (app/lazy-view.tsx).
    Component: lazyView(() => import('./RunbooksView.js').then((m) => m.RunbooksView)),
  },
];
