import type { IncomingMessage } from 'node:http';
import { StatusError } from './status.js';

/**
 * Who may do what in the sandbox: bearer tokens for two users, and one authorizer that both
 * the request path and SelfSubjectAccessReview ask, so `kubectl auth can-i` never disagrees
 * with a real 403. The viewer is bound to the built-in `view` ClusterRole's spirit: read
 * everything, change nothing.
 */

export interface User {
  username: string;
  uid: string;
  groups: string[];
  token: string;
  readOnly: boolean;
}

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
/** What every authenticated user may create (system:basic-user): asking about oneself. */
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);
/** Subresources that read but reach into a workload; `view` does not grant them. */
const PRIVILEGED_READS = new Set(['exec', 'attach', 'portforward', 'proxy']);

/**
 * Three users, with the launch's random tokens (sandbox/credentials.ts): the admin the main
 * kubeconfig acts as, a read-only viewer, and a second admin (`sandbox-approver`) written to its
 * own kubeconfig file, the colleague whose identity a two-person approval needs (issue 12).
 */
export function sandboxUsers(tokens: { admin: string; viewer: string; approver: string }): { admin: User; viewer: User; approver: User } {
  return {
    admin: { username: 'sandbox-admin', uid: 'a1b2c3d4-0000-4000-8000-00000000ad01', groups: ['system:masters', 'system:authenticated'], token: tokens.admin, readOnly: false },
    viewer: { username: 'sandbox-viewer', uid: 'a1b2c3d4-0000-4000-8000-00000000fe01', groups: ['sandbox:viewers', 'system:authenticated'], token: tokens.viewer, readOnly: true },
    approver: { username: 'sandbox-approver', uid: 'a1b2c3d4-0000-4000-8000-00000000a902', groups: ['system:masters', 'system:authenticated'], token: tokens.approver, readOnly: false },
  };
}

export class Authenticator {
  private readonly byToken = new Map<string, User>();

  constructor(users: User[]) {
    for (const u of users) this.byToken.set(u.token, u);
  }

  authenticate(req: IncomingMessage): User {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const user = m ? this.byToken.get(m[1] as string) : undefined;
    if (!user) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }
}

export function authorize(user: User, a: Attributes): { allowed: boolean; reason: string } {
  if (!user.readOnly) return { allowed: true, reason: 'allowed by group "system:masters"' };
  if (a.verb === 'create' && a.group.endsWith('.k8s.io') && SELF_REVIEWS.has(a.resource)) {
    return { allowed: true, reason: 'allowed by ClusterRoleBinding "system:basic-user"' };
  }
  if (a.resource === 'secrets') return { allowed: false, reason: '' };
  if (READ_VERBS.has(a.verb) && !PRIVILEGED_READS.has(a.subresource)) {
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "sandbox-viewers" of ClusterRole "view" to Group "sandbox:viewers"' };
  }
  return { allowed: false, reason: '' };
}

export function forbidden(user: User, a: Attributes, kindForMessage: string): StatusError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const subject = a.name ? `${kindForMessage} "${a.name}" is forbidden` : `${kindForMessage} is forbidden`;
  return new StatusError(
    403,
    'Forbidden',
    `${subject}: User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`,
    { ...(a.name ? { name: a.name } : {}), group: a.group, kind: a.resource },
  );
}

interface ReviewSpec {
  resourceAttributes?: Partial<Attributes> & { version?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
}

export function selfSubjectAccessReview(user: User, body: { spec?: ReviewSpec; metadata?: unknown }): Record<string, unknown> {
  const spec = body.spec ?? {};
  let decision: { allowed: boolean; reason: string };
  if (spec.resourceAttributes) {
    const r = spec.resourceAttributes;
    decision = authorize(user, {
      verb: r.verb ?? '',
      group: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      namespace: r.namespace ?? '',
      name: r.name ?? '',
    });
  } else if (spec.nonResourceAttributes) {
    decision = { allowed: !user.readOnly || spec.nonResourceAttributes.verb === 'get', reason: '' };
  } else {
    throw new StatusError(422, 'Invalid', 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
}

export function selfSubjectRulesReview(user: User, body: { spec?: { namespace?: string } }): Record<string, unknown> {
  const selfReviews = { verbs: ['create'], apiGroups: ['authorization.k8s.io', 'authentication.k8s.io'], resources: [...SELF_REVIEWS] };
  const resourceRules = user.readOnly
    ? [selfReviews, { verbs: ['get', 'list', 'watch'], apiGroups: ['*'], resources: ['*'] }]
    : [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  const nonResourceRules = user.readOnly
    ? [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/readyz', '/openapi', '/openapi/*', '/version', '/version/'] }]
    : [{ verbs: ['*'], nonResourceURLs: ['*'] }];
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: {},
    spec: body.spec ?? {},
    status: { resourceRules, nonResourceRules, incomplete: false },
  };
}

export function selfSubjectReview(user: User): Record<string, unknown> {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    status: { userInfo: { username: user.username, uid: user.uid, groups: user.groups } },
  };
}
