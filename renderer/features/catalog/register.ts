import type { ViewSpec } from '../../app/views.js';
import type { Command } from '../../app/palette/commands.js';
import { navigate } from '../../app/route.js';
import { lazyView } from '../../app/lazy-view.js';
import type { CatalogState } from './catalog-store.js';

export { useCatalogStore } from './catalog-store.js';

/**
 * How the catalog plugs into the frame:
 *   renderer/app/views.tsx:  export const views = [..., ...catalogViews, ...];  ("g c", #/catalog)
 *   renderer/app/App.tsx:    in PaletteHost, ...catalogCommands(list, teams) from useCatalogStore:
 *                            "Open service …", "Open team …" for what the catalog last loaded.
 */
export const catalogViews: readonly ViewSpec[] = [
  {
    id: 'catalog',
    title: 'Service catalog',
    summary: 'Services across clusters, owners, on-call, and production-readiness scorecards by team',
    icon: 'overview',
    goKey: 'c',
    section: 'Estate',
    // Fetched when first shown (app/lazy-view.tsx).
    Component: lazyView(() => import('./CatalogView.js').then((m) => m.CatalogView)),
  },
];

export function catalogCommands(list: CatalogState['list'], teams: CatalogState['teams']): Command[] {
  const commands: Command[] = [];
  for (const team of teams ?? []) {
    commands.push({ id: `catalog.team.${team.name}`, title: `Open team ${team.name}`, section: 'Go to', icon: 'overview', keywords: `team catalog scorecard ${team.name}`, run: () => navigate('catalog', 'team', team.name) });
  }
  for (const service of list?.services ?? []) {
    commands.push({
      id: `catalog.service.${service.id}`,
      title: `Open service ${service.name}`,
      section: 'Go to',
      icon: 'overview',
      keywords: `service catalog scorecard ${service.id} ${service.team ?? ''} ${service.level ?? ''}`,
      run: () => navigate('catalog', 'service', service.id),
    });
  }
  return commands;
}
