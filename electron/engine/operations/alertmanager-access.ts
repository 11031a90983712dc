import { ApiError } from '../../../shared/api/errors.js';
import type { Source } from '../../../shared/api/sources.js';
import type { SourceConnection } from '../sources/start-sources.js';
import { AlertmanagerError } from '../providers/alertmanager/http-api.js';
import type { AlertmanagerActor } from '../providers/alertmanager/http-api.js';
import type { ExternalSystem, ExternalTarget } from './external-operation.js';

export interface AlertmanagerAccessOptions {
  source(id: string): Source | undefined;
  connection(id: string): SourceConnection | undefined;
  /** Who silences are made as (Alertmanager's createdBy): the operating-system account. */
  user(): string;
}

/**
 * What the operations service needs to act on an Alertmanager: the target is the source itself
 * (`alertmanager:<base URL>`), the client is its endpoint, and liveness is the source's status.
 */
export function alertmanagerAccess(options: AlertmanagerAccessOptions): ExternalSystem<AlertmanagerActor> {
  return {
    parseTarget(id: string): ExternalTarget {
      if (!id.startsWith('alertmanager:')) throw new ApiError('bad_request', `Not an Alertmanager source id: "${id}".`, 'target');
      return { id, sourceId: id, name: id.slice('alertmanager:'.length) };
    },
    client(target) {
      const connection = options.connection(target.sourceId);
      return connection?.kind === 'alertmanager' ? { url: connection.url, token: connection.token, user: options.user() } : undefined;
    },
    isLive(target) {
      return options.source(target.sourceId)?.state === 'live';
    },
    notLiveReason(target) {
      const source = options.source(target.sourceId);
      return source ? `Alertmanager ${target.name} is ${source.state}: ${source.reason}.` : `No Alertmanager source "${target.sourceId}" is configured.`;
    },
    actingAs: () => options.user(),
    explain(error) {
      if (!(error instanceof AlertmanagerError)) return undefined;
      if (error.kind === 'unreachable') return new ApiError('unavailable', error.message);
      if (error.status === 400 || error.status === 422) return new ApiError('bad_request', `Alertmanager refused: ${error.message}`);
      if (error.status === 401 || error.status === 403) return new ApiError('forbidden', `Alertmanager refused: ${error.message}`);
      return new ApiError('unavailable', error.message);
    },
  };
}
