import { ApiError } from '../../../shared/api/errors.js';

export type TargetKind = 'Deployment' | 'StatefulSet' | 'HorizontalPodAutoscaler' | 'Node' | 'Pod';
const targetKinds: readonly TargetKind[] = ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'Node', 'Pod'];

/** A Kubernetes object an operation acts on, read from an estate entity id. */
export interface Target {
  id: string;
  context: string;
  kind: TargetKind;
  namespace: string | null;
  name: string;
}

/**
 * Reads `k8s:<context>/<namespace>/<Kind>/<name>` or `k8s:<context>/Node/<name>`. Context
 * names may contain "/" (EKS contexts are ARNs like arn:aws:eks:…:cluster/shop), Kubernetes
 * names never do, so the id is read from the right.
 */
export function parseTarget(id: string): Target {
  if (!id.startsWith('k8s:')) throw invalid(id, 'operations act on Kubernetes entities, whose ids start with "k8s:"');
  const parts = id.slice(4).split('/');
  const name = parts.pop();
  const kind = parts.pop();
  if (!name || !kind) throw invalid(id, 'expected k8s:<context>/<namespace>/<Kind>/<name>');
  if (!targetKinds.includes(kind as TargetKind)) {
    throw invalid(id, `operations act on ${targetKinds.join(', ')}, not ${kind}`);
  }
  if (kind === 'Node') {
    const context = parts.join('/');
    if (!context) throw invalid(id, 'no context');
    return { id, context, kind, namespace: null, name };
  }
  const namespace = parts.pop();
  const context = parts.join('/');
  if (!namespace || !context) throw invalid(id, 'expected k8s:<context>/<namespace>/<Kind>/<name>');
  return { id, context, kind: kind as TargetKind, namespace, name };
}

export function describeTarget(target: Target): string {
  return target.namespace ? `${target.kind} ${target.namespace}/${target.name}` : `${target.kind} ${target.name}`;
}

function invalid(id: string, why: string): ApiError {
  return new ApiError('bad_request', `Cannot act on "${id}": ${why}.`, 'target');
}
