import { clusterNameOf, parseKubeId } from '../../../shared/estate/ids.js';
import { ApiError } from '../../../shared/api/errors.js';

export type TargetKind = 'Deployment' | 'StatefulSet' | 'HorizontalPodAutoscaler' | 'Node' | 'Pod' | 'HTTPRoute' | 'Ingress' | 'FeatureFlag';
const targetKinds: readonly TargetKind[] = ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'Node', 'Pod', 'HTTPRoute', 'Ingress', 'FeatureFlag'];

/** A Kubernetes object an operation acts on, read from an estate entity id. */
export interface Target {
  id: string;
  /** The cluster key the id names (shared/estate/ids.ts). */
  cluster: string;
  /**
   * The kubeconfig context the operation acts through. parseTarget fills in the cluster's
   * own name; the operations service replaces it with the context it chose or was given.
   */
  context: string;
  kind: TargetKind;
  namespace: string | null;
  name: string;
}

/**
 * Reads a Kubernetes object id (shared/estate/ids.ts): `k8s:<cluster>/<namespace>/<Kind>/<name>`
 * or `k8s:<cluster>/Node/<name>`.
 */
export function parseTarget(id: string): Target {
  const parsed = parseKubeId(id);
  if (!parsed) throw invalid(id, 'operations act on Kubernetes entities, whose ids start with "k8s:"');
  if (parsed.shape !== 'object') throw invalid(id, 'expected k8s:<cluster>/<namespace>/<Kind>/<name>');
  const { kind, name, namespace } = parsed;
  if (!targetKinds.includes(kind as TargetKind)) {
    throw invalid(id, `operations act on ${targetKinds.join(', ')}, not ${kind}`);
  }
  if ((kind === 'Node') !== (namespace === null)) {
    throw invalid(id, kind === 'Node' ? 'expected k8s:<cluster>/Node/<name>' : 'expected k8s:<cluster>/<namespace>/<Kind>/<name>');
  }
  return { id, cluster: parsed.clusterKey, context: clusterNameOf(parsed.clusterKey), kind: kind as TargetKind, namespace, name };
}

export function describeTarget(target: Target): string {
  return target.namespace ? `${target.kind} ${target.namespace}/${target.name}` : `${target.kind} ${target.name}`;
}

function invalid(id: string, why: string): ApiError {
  return new ApiError('bad_request', `Cannot act on "${id}": ${why}.`, 'target');
}
