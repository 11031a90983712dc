import type { Entity } from '../../../shared/estate/model.js';
import { operationsForEntityKind } from '../../../shared/api/operations.js';
import type { OperationKind } from '../../../shared/api/operations.js';
import type { OperationTarget } from './operations-store.js';
import { parseKubeId } from '../../../shared/estate/ids.js';

const kubernetesKinds: Record<string, string> = {
  deployment: 'Deployment',
  statefulset: 'StatefulSet',
  hpa: 'HorizontalPodAutoscaler',
  node: 'Node',
  pod: 'Pod',
};

/** Which operations an estate entity offers: only Kubernetes entities, only the kinds that apply. */
export function operationsFor(entity: Entity): readonly OperationKind[] {
  if (parseKubeId(entity.id)?.shape !== 'object') return [];
  return operationsForEntityKind[entity.kind] ?? [];
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function targetOf(entity: Entity): OperationTarget {
  const kind = kubernetesKinds[entity.kind] ?? entity.kind;
  const parsed = parseKubeId(entity.id);
  const namespace = parsed?.shape === 'object' ? parsed.namespace : null;
  return {
    id: entity.id,
    label: namespace ? `${kind} ${namespace}/${entity.name}` : `${kind} ${entity.name}`,
    name: entity.name,
    replicas: numberOr(entity.status['replicas']),
    minReplicas: numberOr(entity.status['minReplicas']),
    maxReplicas: numberOr(entity.status['maxReplicas']),
  };
}
