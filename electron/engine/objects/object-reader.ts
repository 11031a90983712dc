import { randomUUID } from 'node:crypto';
import os from 'node:os';
import yaml from 'js-yaml';
import type { ObjectRequest, ObjectView } from '../../../shared/api/objects.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { Entity } from '../../../shared/estate/model.js';
import { clusterKey, kubeObjectId } from '../../../shared/estate/ids.js';
import { clusterClient } from '../sources/kubernetes/cluster-access.js';
import type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';
import { KubeApiError, kubeApiErrorToApiError } from '../providers/kubernetes/api-error.js';
import type { AuditLog } from '../store/audit-log.js';
import { addressOf, objectPath } from './object-address.js';
import type { ObjectAddress } from './object-address.js';
import { kubectlGetCommand } from './kubectl-command.js';
import { summarize } from './object-summary.js';
import { maskSecret } from './secret-mask.js';

export interface ObjectReaderOptions {
  clusters: ClusterAccess;
  entity(id: string): Entity | undefined;
  audit: AuditLog;
  osUser?(): string;
}

/**
 * Reads one Kubernetes object live from its API server and presents it: YAML with managedFields
 * folded out (they are bookkeeping for server-side apply and drown the object), Secret values
 * masked, a describe-like summary and the kubectl command that prints the same object.
 *
 * A reveal is written to the audit log before the values are read, so a reveal that was asked
 * for is on record even if the answer never reaches the screen.
 */
export class ObjectReader {
  constructor(private readonly options: ObjectReaderOptions) {}

  async view(request: ObjectRequest, reveal = false): Promise<ObjectView> {
    const address = this.address(request);
    if (reveal && address.kind !== 'Secret') throw new ApiError('bad_request', 'Only Secrets have values to reveal.', 'ref');
    let client;
    try {
      // The context's one client, from sources/: a kubeconfig rewritten since start applies here too.
      client = clusterClient(this.options.clusters, address.context);
    } catch (error) {
      throw readError(address, error);
    }
    if (!client) throw new ApiError('not_found', `No kubeconfig context "${address.context}" is configured.`);
    if (reveal) this.recordReveal(address, client.kubeUser);
    let object: Record<string, unknown>;
    try {
      object = await client.get<Record<string, unknown>>(objectPath(address));
    } catch (error) {
      throw readError(address, error);
    }
    const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
    const managedFields = Array.isArray(metadata['managedFields']) ? (metadata['managedFields'] as unknown[]) : [];
    const { managedFields: _folded, ...rest } = metadata;
    const folded = { ...object, metadata: rest };
    const isSecret = address.kind === 'Secret';
    const { masked, keys } = isSecret && !reveal ? maskSecret(folded) : { masked: folded, keys: [] };
    return {
      kind: address.kind,
      name: address.name,
      namespace: address.namespace,
      context: address.context,
      yaml: toYaml(masked),
      managedFieldsYaml: managedFields.length > 0 ? toYaml(managedFields) : null,
      managedFieldsCount: managedFields.length,
      maskedKeys: keys,
      summary: summarize(object),
      kubectl: kubectlGetCommand(address),
      fetchedAt: Date.now(),
    };
  }

  private address(request: ObjectRequest): ObjectAddress {
    const entity = addressOf(request.entityId, this.options.entity(request.entityId), (cluster) => this.options.clusters.contextsOf(cluster));
    if (!request.ref) return entity;
    if (!entity.namespace) throw new ApiError('bad_request', `${entity.kind} ${entity.name} has no namespace to find a ${request.ref.kind} in.`, 'ref');
    return { context: entity.context, namespace: entity.namespace, kind: request.ref.kind, name: request.ref.name };
  }

  private recordReveal(address: ObjectAddress, kubeUser: string | null): void {
    const at = Date.now();
    const summary = `Reveal the values of Secret ${address.namespace}/${address.name}`;
    this.options.audit.append({
      at,
      who: { osUser: this.osUser(), kubeUser, context: address.context },
      what: { kind: 'reveal-secret', summary },
      target: kubeObjectId(clusterKey(address.context), 'Secret', address.namespace, address.name),
      plan: {
        id: `reveal-${randomUUID()}`,
        params: { namespace: address.namespace, name: address.name },
        diff: { summary, changes: [] },
        risks: [],
        confirmation: 'acknowledge',
      },
      operationId: null,
      outcome: { result: 'succeeded', message: 'Values shown to the operator.' },
      timings: { plannedAt: at, executedAt: at, finishedAt: at, durationMs: 0 },
    });
  }

  private osUser(): string {
    if (this.options.osUser) return this.options.osUser();
    try {
      return os.userInfo().username;
    } catch {
      // os.userInfo throws where the uid has no passwd entry (some containers).
      return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown';
    }
  }
}

function toYaml(value: unknown): string {
  // lineWidth -1: never fold long strings (annotations, certificates) into a form kubectl would not print.
  return yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}

function readError(address: ObjectAddress, error: unknown): ApiError {
  const what = `${address.kind} ${address.namespace ? `${address.namespace}/` : ''}${address.name}`;
  if (error instanceof KubeApiError) return kubeApiErrorToApiError(error, `context "${address.context}"`, what);
  return new ApiError('unavailable', `Could not read ${what}: ${error instanceof Error ? error.message : String(error)}`);
}
