import type { EstateEvent } from '../../../shared/estate/event.js';
import { operationTitles } from '../../../shared/api/operations.js';
import type { OperationTimelineEvent } from './service.js';
import { kubeSourceId } from '../../../shared/estate/ids.js';

/**
 * An ended operation as an estate timeline event on its target, from the target's source, so
 * it sits among the Kubernetes events it caused (ScalingReplicaSet, Killing, Evicted …).
 */
export function operationEstateEvent(event: OperationTimelineEvent): { sourceId: string; event: EstateEvent } {
  const sourceId = kubeSourceId(event.context);
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
