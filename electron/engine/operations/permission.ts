import { ApiError } from '../../../shared/api/errors.js';
import type { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';

/** One API permission, as SelfSubjectAccessReview's resourceAttributes spell it. */
export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string | null;
  name?: string;
}

export function describePermission(p: Permission): string {
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return `${p.verb} ${resource}${p.namespace ? ` in namespace ${p.namespace}` : ' (cluster-wide)'}`;
}

interface AccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

/**
 * Asks the API server whether the context's user may do exactly this, before any dry run:
 * https://kubernetes.io/docs/reference/access-authn-authz/authorization/#checking-api-access.
 * A refusal names the missing permission ("patch deployments/scale in namespace shop").
 */
export async function requirePermissions(calls: ClusterCalls, permissions: readonly Permission[]): Promise<void> {
  for (const p of permissions) {
    const review = await calls.post<AccessReview>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: p.verb,
          group: p.group,
          resource: p.resource,
          ...(p.subresource ? { subresource: p.subresource } : {}),
          ...(p.namespace ? { namespace: p.namespace } : {}),
          ...(p.name ? { name: p.name } : {}),
        },
      },
    });
    if (review.status?.allowed !== true) {
      const who = calls.kubeUser ? `"${calls.kubeUser}"` : 'This user';
      const why = review.status?.reason ? ` (${review.status.reason})` : '';
      throw new ApiError('forbidden', `${who} on context "${calls.context}" may not ${describePermission(p)}${why}. Nothing was changed.`);
    }
  }
}
