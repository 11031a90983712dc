import type { Entity, EntityKind } from './model.js';
import { appId } from './ids.js';

/**
 * Grouping workloads into logical applications by the labels Kubernetes recommends
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
 * `part-of` names the higher-level application ("shop"), `name` the component ("cart"):
 * an app is the part-of when set, else the name, so the pieces of one product group together.
 */
export const appMemberKinds: ReadonlySet<EntityKind> = new Set<EntityKind>([
  'deployment',
  'statefulset',
  'daemonset',
  'service',
]);

const partOfLabel = 'app.kubernetes.io/part-of';
const nameLabel = 'app.kubernetes.io/name';

/** Label keys that name the owning team, most specific first; no standard exists, these are the common ones. */
export const teamLabels = ['app.kubernetes.io/team', 'team', 'owner-team', 'squad'] as const;
export const ownerLabels = ['app.kubernetes.io/owner', 'owner', 'maintainer'] as const;

/** The app entity's id; spelled in ids.ts with every other id. */
export const appIdFor = appId;

/** The app an entity belongs to, or null when it is not a workload or carries no app label. */
export function appNameOf(entity: Pick<Entity, 'kind' | 'labels'>): string | null {
  if (!appMemberKinds.has(entity.kind)) return null;
  const name = entity.labels[partOfLabel] ?? entity.labels[nameLabel];
  return name && name.length > 0 ? name : null;
}

export function firstLabel(labels: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = labels[key] ?? null;
    if (value) return value;
  }
  return null;
}
