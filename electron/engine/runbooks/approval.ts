import { ApiError } from '../../../shared/api/errors.js';
import type { PlanRequest } from '../../../shared/api/operations.js';
import type { AuditLog } from '../store/audit-log.js';
import { clusterClient } from '../sources/kubernetes/cluster-access.js';
import type { ClusterAccess } from '../sources/kubernetes/cluster-access.js';
import type { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';
import { isKubernetesRequest, kubernetesStep } from '../operations/modules.js';
import { requirePermissions } from '../operations/permission.js';
import { describeTarget, parseTarget } from '../operations/target.js';

export interface ApprovalRequest {
  /** The gated action, as it will be planned. */
  request: PlanRequest;
  /** One of the approver's own kubeconfig contexts on this workstation. */
  approverContext: string;
  runId: string;
  stepTitle: string;
}

export interface ApprovalVerdict {
  approver: string;
  runner: string;
  auditSeq: number;
}

export interface ApprovalCheck {
  approve(request: ApprovalRequest): Promise<ApprovalVerdict>;
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string } };
}

/**
 * Two-person approval for a runbook's gated action. The approver is whoever the API server says
 * the approver's context authenticates as (SelfSubjectReview,
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#self-subject-review),
 * never a name typed in a form, and must be allowed to perform the action themselves: the same
 * SelfSubjectAccessReviews the operation's own plan asks, under the approver's credentials. The
 * runner is learnt the same way from the action's context; the same user is refused. The
 * approval, refused or given, is an audit entry naming both.
 */
export class KubeApprovals implements ApprovalCheck {
  constructor(
    private readonly options: {
      clusters: Pick<ClusterAccess, 'client' | 'kubeConfigFor' | 'contextsOf'>;
      audit: AuditLog;
      osUser(): string;
      now?: () => number;
    },
  ) {}

  async approve(input: ApprovalRequest): Promise<ApprovalVerdict> {
    const { request } = input;
    if (!isKubernetesRequest(request)) throw new ApiError('bad_request', `Two-person approval gates Kubernetes actions; ${input.request.kind} has no SelfSubjectAccessReview to check the approver with.`, 'request');
    // The context the action will act through: the one it names, else the first that reaches its cluster.
    const parsed = parseTarget(request.target);
    const target = { ...parsed, context: request.context ?? this.options.clusters.contextsOf(parsed.cluster)[0] ?? parsed.context };
    const runnerCalls = this.calls(target.context, 'the action');
    const approverCalls = this.calls(input.approverContext, 'the approver');
    // The approver's context must reach the same API server as the action: approving on another cluster proves nothing.
    if (runnerCalls.server !== approverCalls.server) {
      throw new ApiError('bad_request', `Context "${input.approverContext}" talks to ${approverCalls.server}, and the action runs against ${runnerCalls.server}. Pick a context on the same cluster.`, 'context');
    }
    const runner = await this.whoAmI(runnerCalls.calls);
    const approver = await this.whoAmI(approverCalls.calls);
    // The kind's module with the request's params as the router parsed them.
    const { module, params } = kubernetesStep(request);
    const summary = `${input.stepTitle}: ${input.request.kind} of ${describeTarget(target)}`;
    if (approver === runner) {
      const entry = this.record(input, target.context, approver, runner, 'refused', `${approver} cannot approve their own action; a second person must.`, summary);
      throw new ApiError('forbidden', `${entry.outcome.message} (audit entry ${entry.seq})`);
    }
    try {
      await requirePermissions(approverCalls.calls, module.permissions(target, params));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const entry = this.record(input, input.approverContext, approver, runner, 'refused', `${approver} may not perform this action, so cannot approve it: ${message}`, summary);
      throw new ApiError('forbidden', `${entry.outcome.message} (audit entry ${entry.seq})`);
    }
    const entry = this.record(input, input.approverContext, approver, runner, 'succeeded', `Approved by ${approver} for ${runner}.`, summary);
    return { approver, runner, auditSeq: entry.seq };
  }

  /** The context's one client, from sources/ (its server is the cluster's API server URL). */
  private calls(context: string, whose: string): { calls: ClusterCalls; server: string } {
    let calls: ClusterCalls | undefined;
    try {
      calls = clusterClient(this.options.clusters, context);
    } catch {
      calls = undefined;
    }
    if (!calls) throw new ApiError('not_found', `No kubeconfig context "${context}" on this workstation (${whose}).`, 'context');
    return { calls, server: calls.server };
  }

  private async whoAmI(calls: ClusterCalls): Promise<string> {
    let review: SelfSubjectReview;
    try {
      review = await calls.post<SelfSubjectReview>('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    } catch (err) {
      throw new ApiError('unavailable', `Could not ask context "${calls.context}" who it is (SelfSubjectReview): ${(err as Error).message}`);
    }
    const name = review.status?.userInfo?.username;
    if (!name) throw new ApiError('unavailable', `Context "${calls.context}" answered SelfSubjectReview without a username.`);
    return name;
  }

  private record(input: ApprovalRequest, context: string, approver: string, runner: string, result: 'succeeded' | 'refused', message: string, summary: string) {
    const now = (this.options.now ?? Date.now)();
    return this.options.audit.append({
      at: now,
      who: { osUser: this.options.osUser(), kubeUser: approver, context },
      what: { kind: input.request.kind, summary: `Approval: ${summary}` },
      target: input.request.target,
      plan: {
        id: `approval:${input.runId}`,
        params: input.request.params as Record<string, unknown>,
        diff: {
          summary: `Two-person approval of ${input.request.kind} for run ${input.runId}`,
          changes: [
            { field: 'runner', before: null, after: runner },
            { field: 'approver', before: null, after: approver },
          ],
        },
        risks: [],
        confirmation: 'acknowledge',
      },
      operationId: null,
      outcome: { result, message },
      timings: { plannedAt: now, executedAt: null, finishedAt: now, durationMs: null },
    });
  }
}
