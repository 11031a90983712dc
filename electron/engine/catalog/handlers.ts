import type { Handlers } from '../api/router.js';
import type { ServiceCatalog } from './service-catalog.js';

type CatalogMethod = 'catalog.list' | 'catalog.get' | 'catalog.teams' | 'scorecards.rules' | 'scorecards.evaluate' | 'scorecards.history';

/** The catalog's API methods; each waits for the catalog folders to have been read once. */
export function catalogHandlers(catalog: ServiceCatalog, started: () => Promise<unknown>): Pick<Handlers, CatalogMethod> {
  return {
    'catalog.list': async () => {
      await started();
      return catalog.list();
    },
    'catalog.get': async ({ id }) => {
      await started();
      return catalog.get(id);
    },
    'catalog.teams': async () => {
      await started();
      return { teams: catalog.teams() };
    },
    'scorecards.rules': () => catalog.rulesInForce(),
    'scorecards.evaluate': async ({ service }) => {
      await started();
      return catalog.evaluate(service);
    },
    'scorecards.history': async ({ service, limit }) => {
      await started();
      return { entries: catalog.history(service, limit ?? 100) };
    },
  };
}
