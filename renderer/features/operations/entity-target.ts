import type { Entity } from '../../../shared/estate/model.js';
import { operationsForEntityKind } from '../../../shared/api/operations.js';
import type { OperationKind } from '../../../shared/api/operations.js';
import type { OperationTarget } from './operations-store.js';

const kubernetesKinds: Record<string, string> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  hpa: 'HorizontalPodAutoscaler',
  node: 'Node',
  pod: 'Pod',
};

/** Which operations an estate entity offers: only Kubernetes entities, only the kinds that apply. */
export function operationsFor(entity: Entity): readonly OperationKind[] {
  if (!entity.id.startsWith('k8s:')) return [];
  return operationsForEntityKind[entity.kind] ?? [];
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function targetOf(entity: Entity): OperationTarget {
  const kind = kubernetesKinds[entity.kind] ?? entity.kind;
  // The namespace is the segment before Kind/name in a namespaced id.
  const parts = entity.id.split('/');
  const namespace = entity.kind === 'node' ? null : (parts[parts.length - 3] ?? null);
  return {
    id: entity.id,
    label: namespace ? `${kind} ${namespace}/${entity.name}` : `${kind} ${entity.name}`,
    name: entity.name,
    replicas: numberOr(entity.status['replicas']),
    minReplicas: numberOr(entity.status['minReplicas']),
    maxReplicas: numberOr(entity.status['maxReplicas']),
  };
}
