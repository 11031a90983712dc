import type { MethodName } from '../../../shared/api/contract.js';
import type { Handler, TopicHandler } from '../api/router.js';
import type { AuditLog } from '../store/audit-log.js';
import type { OperationsService } from './service.js';

/** Every operations.* and audit.* method of the contract: a method added there must be handled here. */
type OperationMethod = Extract<MethodName, `operations.${string}` | `audit.${string}`>;

/** The API handlers for operations and the audit log; the engine spreads them into its router. */
export function operationHandlers(service: OperationsService, audit: AuditLog): { [M in OperationMethod]: Handler<M> } {
  return {
    'operations.plan': async (request) => ({ plan: await service.plan(request) }),
    'operations.replan': async ({ planId }) => ({ plan: await service.replan(planId) }),
    'operations.execute': async ({ planId, confirmation, wait }) => ({ operation: await service.execute(planId, confirmation, wait ?? false) }),
    'operations.get': ({ id }) => ({ operation: service.get(id) }),
    'operations.getPlan': ({ id }) => ({ plan: service.getPlan(id) }),
    'operations.list': () => service.list(),
    'operations.history': async ({ target }) => ({ revisions: await service.history(target) }),
    'audit.list': (filter) => ({ entries: audit.list(filter) }),
    'audit.verify': () => audit.verify(),
    'audit.export': (filter) => {
      const { jsonl, count } = audit.exportJsonLines(filter);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return { fileName: `daytwo-audit-${stamp}.jsonl`, jsonl, count };
    },
  };
}

export function operationTopicHandlers(service: OperationsService): { 'operations.watch': TopicHandler<'operations.watch'> } {
  return {
    'operations.watch': ({ id }, push) => service.watch(id, (operation) => push({ operation })),
  };
}
