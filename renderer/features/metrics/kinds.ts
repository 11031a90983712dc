import type { EntityKind } from '../../../shared/estate/model.js';

/** Kinds the engine derives golden-signal panels for (electron/engine/metrics/panels.ts). */
export const kindsWithMetrics: ReadonlySet<EntityKind> = new Set<EntityKind>([
  'app',
  'service',
  'ingress',
  'deployment',
  'statefulset',
  'node',
  'loadbalancer',
]);
