import { ApiError } from '../../../shared/api/errors.js';
import type { Entity } from '../../../shared/estate/model.js';
import { resourceTypes } from '../providers/kubernetes/kinds.js';

/** Where a Kubernetes object lives: the context to reach it through, and its coordinates. */
export interface ObjectAddress {
  context: string;
  namespace: string | null;
  /** As Kubernetes spells it: Deployment, Pod, Secret … */
  kind: string;
  name: string;
}

/**
 * Collection paths for kinds the estate does not watch but the object view reads (Secrets and
 * ConfigMaps a pod refers to); the watched kinds come from providers/kubernetes/kinds.ts.
 */
const extraCollections: Record<string, string> = {
  Secret: '/api/v1/secrets',
  ConfigMap: '/api/v1/configmaps',
};

/**
 * Reads an entity id (`k8s:<…>/<namespace>/<Kind>/<name>` or `k8s:<…>/<Kind>/<name>`) from the
 * right, since Kubernetes names never hold "/". The context is the entity's source
 * (`k8s:<context>`), which says which credentials reported it; the id's first segment names the
 * cluster and is only a fallback for entities not (yet) in the estate.
 */
export function addressOf(entityId: string, entity: Entity | undefined): ObjectAddress {
  if (!entityId.startsWith('k8s:')) throw invalid(entityId, 'only Kubernetes objects have YAML and logs');
  const parts = entityId.slice(4).split('/');
  const name = parts.pop();
  const kind = parts.pop();
  if (!name || !kind || parts.length === 0) throw invalid(entityId, 'expected k8s:<cluster>/<namespace>/<Kind>/<name>');
  const namespaced = kind !== 'Node';
  const namespace = namespaced ? (parts.pop() ?? null) : null;
  if (namespaced && (!namespace || parts.length === 0)) throw invalid(entityId, 'expected k8s:<cluster>/<namespace>/<Kind>/<name>');
  const context = entity?.sourceId.startsWith('k8s:') ? entity.sourceId.slice(4) : parts.join('/');
  return { context, namespace, kind, name };
}

/** The API path of one object (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris). */
export function objectPath(address: Pick<ObjectAddress, 'kind' | 'namespace' | 'name'>): string {
  const collection = resourceTypes.find((t) => t.kind === address.kind)?.path ?? extraCollections[address.kind];
  if (!collection) throw new ApiError('bad_request', `Daytwo cannot read ${address.kind} objects.`, 'entityId');
  const cut = collection.lastIndexOf('/');
  const base = collection.slice(0, cut);
  const plural = collection.slice(cut + 1);
  const name = encodeURIComponent(address.name);
  return address.namespace ? `${base}/namespaces/${encodeURIComponent(address.namespace)}/${plural}/${name}` : `${base}/${plural}/${name}`;
}

/** The collection path of a kind within a namespace, for lists by label selector. */
export function collectionPath(kind: string, namespace: string): string {
  const collection = resourceTypes.find((t) => t.kind === kind)?.path ?? extraCollections[kind];
  if (!collection) throw new ApiError('bad_request', `Daytwo cannot list ${kind} objects.`);
  const cut = collection.lastIndexOf('/');
  return `${collection.slice(0, cut)}/namespaces/${encodeURIComponent(namespace)}/${collection.slice(cut + 1)}`;
}

function invalid(id: string, why: string): ApiError {
  return new ApiError('bad_request', `Cannot read "${id}": ${why}.`, 'entityId');
}
