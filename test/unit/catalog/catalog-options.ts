import path from 'node:path';
import type { ServiceCatalogOptions } from '../../../electron/engine/catalog/service-catalog.js';
import type { EstateState } from '../../../electron/engine/state/estate-state.js';
import type { StoreDatabase } from '../../../electron/engine/store/database.js';
import { kubernetesSource } from '../state/estate-fixtures.js';

const rules = path.resolve(__dirname, '../../../resources/scorecards/default.yaml');

/** A catalog over `state` with the bundled rules and `context`'s source live, as the engine wires it; `more` replaces any of it. */
export function catalogOptions(db: StoreDatabase, state: EstateState, context: string, more: Partial<ServiceCatalogOptions> = {}): ServiceCatalogOptions {
  return {
    db,
    estate: state,
    onEstateChange: (listener) => state.subscribe(listener),
    onSourcesChange: () => () => {},
    sources: () => [kubernetesSource(context, { state: 'live' })],
    runbooks: () => [],
    kubeReasonCounts: (reason, since) => state.events.reasonCounts('kubernetes', reason, since),
    isProduction: () => true,
    catalogDirs: [],
    rulesFile: rules,
    bundledRulesFile: rules,
    now: () => 1_700_000_000_000,
    ...more,
  };
}
