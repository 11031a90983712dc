import type { EstateEvent } from '../../../shared/estate/event.js';
import { operationTitles } from '../../../shared/api/operations.js';
import { isExternalKind } from './modules.js';
import type { OperationTimelineEvent } from './service.js';
import { kubeSourceId } from '../../../shared/estate/ids.js';

/**
 * An ended operation as an estate timeline event on its target, from the target's source, so
 * it sits among the Kubernetes events it caused (ScalingReplicaSet, Killing, Evicted …).
 */
export function operationEstateEvent(event: OperationTimelineEvent): { sourceId: string; event: EstateEvent } {
  // An external system's plan names its source as the context (unleash:<URL>), a cluster's its kubeconfig context.
  const sourceId = isExternalKind(event.kind) ? event.context : kubeSourceId(event.context);
  return {
    sourceId,
    event: {
      id: `daytwo-operation:${event.operationId}`,
      sourceId,
      kind: 'operation',
      entityId: event.entityId,
      type: event.outcome === 'succeeded' ? 'normal' : 'warning',
      reason: `Daytwo${operationTitles[event.kind].replace(/[^A-Za-z]/g, '')}`,
      message: `${event.summary} ${event.outcome === 'succeeded' ? 'Converged' : event.outcome}: ${event.message} (audit #${event.auditSeq})`,
      count: 1,
      firstAt: event.at,
      lastAt: event.at,
    },
  };
}

/**
 * The same run on each entity it was about besides its target (the workloads that use a flag
 * it changed), so a service's timeline shows the flag switched off among its own events.
 */
export function affectedEstateEvents(event: OperationTimelineEvent): { sourceId: string; event: EstateEvent }[] {
  const { sourceId, event: primary } = operationEstateEvent(event);
  return (event.affected ?? []).map((entityId) => ({ sourceId, event: { ...primary, id: `${primary.id}:${entityId}`, entityId } }));
}
