import { ApiError } from '../../../shared/api/errors.js';
import type { Entity } from '../../../shared/estate/model.js';
import { clusterNameOf, contextOfSource, parseKubeId } from '../../../shared/estate/ids.js';
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
 * Reads an entity id with shared/estate/ids.ts. Ids name a cluster, which several contexts may
 * reach; reads go through the entity's source (`k8s:<context>`), the context the estate chose
 * to watch the cluster with because it reads the most. For an entity not (yet) in the estate,
 * the first context that reaches the cluster (`contextsOf`), else the cluster's own name.
 */
export function addressOf(entityId: string, entity: Entity | undefined, contextsOf: (cluster: string) => readonly string[] = () => []): ObjectAddress {
  const parsed = parseKubeId(entityId);
  if (!parsed) throw invalid(entityId, 'only Kubernetes objects have YAML and logs');
  if (parsed.shape !== 'object') throw invalid(entityId, 'expected k8s:<cluster>/<namespace>/<Kind>/<name>');
  const context = (entity ? contextOfSource(entity.sourceId) : null) ?? contextsOf(parsed.clusterKey)[0] ?? clusterNameOf(parsed.clusterKey);
  return { context, namespace: parsed.namespace, kind: parsed.kind, name: parsed.name };
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
