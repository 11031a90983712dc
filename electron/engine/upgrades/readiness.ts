import { ApiError } from '../../../shared/api/errors.js';
import type { Finding, NodeVersion, ObjectRef, ReadinessReport } from '../../../shared/api/upgrades.js';
import { kubeObjectId } from '../../../shared/estate/ids.js';
import { selectorMatches } from '../../../shared/estate/label-selector.js';
import { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';
import { KubeApiError, kubeApiErrorToApiError } from '../providers/kubernetes/api-error.js';
import type { ClusterAccess } from '../operations/cluster-access.js';
import type { List, Meta, NodeObject, Pdb, Pod, Workload } from '../operations/kube-objects.js';

type Node = NodeObject & { status?: { nodeInfo?: { kubeletVersion?: string }; conditions?: { type: string; status: string }[] } };
import { isPodReady } from '../operations/kube-objects.js';
import { minorOf, removalsAhead, type ApiRemoval } from './api-removals.js';
import { skewProblems } from './version-skew.js';

/** The bundled runbook the report offers for the node upgrade (resources/runbooks/). */
export const GUIDED_UPGRADE_RUNBOOK = 'node-upgrade';

export interface ReadinessDeps {
  clusters: ClusterAccess;
  /** Whether the estate knows an entity, so a finding links only to what can be opened. */
  known(entityId: string): boolean;
  now?: () => number;
}

interface ApiGroupList {
  groups?: { name: string; versions?: { groupVersion: string }[]; preferredVersion?: { groupVersion: string } }[];
}

interface ApiResourceList {
  resources?: { name: string; kind: string }[];
}

interface AnyObject {
  apiVersion?: string;
  kind?: string;
  metadata: Meta & { managedFields?: { apiVersion?: string; manager?: string }[] };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * One cluster's readiness for its next minor version, read live through a context that reaches
 * it: what the cluster serves (discovery) and runs (/version, nodes), and what a drain of each
 * old node will do to its workloads (replicas, PodDisruptionBudgets).
 */
export async function readiness(deps: ReadinessDeps, cluster: string, targetVersion?: string): Promise<ReadinessReport> {
  const context = chooseContext(deps.clusters, cluster);
  const config = deps.clusters.kubeConfigFor(context);
  if (!config) throw new ApiError('not_found', `No credentials for context "${context}".`);
  const calls = new ClusterCalls(context, config);
  try {
    return await build(deps, calls, cluster, context, targetVersion);
  } catch (error) {
    if (error instanceof KubeApiError) throw kubeApiErrorToApiError(error, `context "${context}"`, `cluster ${cluster}`);
    throw error;
  }
}

function chooseContext(clusters: ClusterAccess, cluster: string): string {
  const reaching = clusters.contextsOf(cluster);
  if (reaching.length === 0) throw new ApiError('not_found', `No kubeconfig context reaches cluster "${cluster}".`);
  const live = reaching.find((c) => clusters.isLive(c));
  if (!live) {
    const reason = clusters.notLiveReason?.(reaching[0] as string);
    throw new ApiError('unavailable', `No context that reaches cluster "${cluster}" is live${reason ? ` (${reason})` : ''}; the report is read live from the API server.`);
  }
  return live;
}

async function build(deps: ReadinessDeps, calls: ClusterCalls, cluster: string, context: string, targetVersion?: string): Promise<ReadinessReport> {
  const version = await calls.get<{ gitVersion?: string }>('/version');
  const controlPlaneVersion = version.gitVersion ?? 'unknown';
  const current = minorOf(controlPlaneVersion);
  if (current === null) throw new ApiError('conflict', `The API server reports version "${controlPlaneVersion}", which is not a Kubernetes 1.x version.`);
  const currentMinor = `1.${current}`;
  const targetMinor = targetVersion ?? `1.${current + 1}`;
  const target = minorOf(targetMinor) as number;
  const ref = (kind: string, namespace: string | null, name: string): ObjectRef => {
    const id = kubeObjectId(cluster, kind, namespace, name);
    return { kind, namespace, name, entityId: deps.known(id) ? id : null };
  };

  const [groups, nodeList, pods, deployments, statefulsets, pdbs] = await Promise.all([
    calls.get<ApiGroupList>('/apis'),
    calls.get<List<Node>>('/api/v1/nodes'),
    calls.get<List<Pod>>('/api/v1/pods'),
    calls.get<List<Workload>>('/apis/apps/v1/deployments'),
    calls.get<List<Workload>>('/apis/apps/v1/statefulsets'),
    calls.get<List<Pdb>>('/apis/policy/v1/poddisruptionbudgets'),
  ]);

  const findings: Finding[] = [];

  // ── API versions going away ─────────────────────────────────────────────────────────────
  const served = new Set((groups.groups ?? []).flatMap((g) => (g.versions ?? []).map((v) => v.groupVersion)));
  const preferred = new Map((groups.groups ?? []).map((g) => [g.name, g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion]));
  const ahead = removalsAhead(currentMinor, targetMinor).filter((v) => served.has(v.removal.groupVersion));
  const deprecatedServed = [...new Map(ahead.map((v) => [v.removal.groupVersion, { groupVersion: v.removal.groupVersion, removedIn: v.removal.removedIn }])).values()];
  const resourceLists = new Map<string, ApiResourceList | undefined>();
  const resourcesOf = async (gv: string) => {
    if (!resourceLists.has(gv)) resourceLists.set(gv, await calls.find<ApiResourceList>(`/apis/${gv}`));
    return resourceLists.get(gv);
  };
  for (const { removal, blocksTarget } of ahead) {
    const group = removal.groupVersion.split('/')[0] as string;
    // Read through the group's preferred version, as a client would: a real server answers every
    // object at the version asked for, so what the manifest was written at is in its own records.
    const via = preferred.get(group) ?? removal.groupVersion;
    const listed = (await resourcesOf(via))?.resources?.some((r) => r.name === removal.plural) ? via : removal.groupVersion;
    let objects: AnyObject[];
    try {
      objects = (await calls.find<List<AnyObject>>(`/apis/${listed}/${removal.plural}`))?.items ?? [];
    } catch (error) {
      // A kind this context may not list is a gap in the report, not a reason to refuse all of it.
      if (!(error instanceof KubeApiError) || error.status !== 403) throw error;
      findings.push({
        category: 'removed-api',
        severity: 'info',
        title: `${removal.kind} objects could not be checked`,
        detail: `Context "${context}" may not list ${removal.plural} (${listed}), so whether any were written at ${removal.groupVersion} (removed in ${removal.removedIn}) is unknown.`,
        action: `Run the report through a context that may list ${removal.plural}, or check with kubectl get ${removal.plural}.${group} -A -o yaml.`,
        objects: [],
      });
      continue;
    }
    const using = objects.filter((o) => writtenAt(o).includes(removal.groupVersion));
    if (using.length === 0) continue;
    findings.push(removedApiFinding(removal, blocksTarget, targetMinor, using.map((o) => ref(removal.kind, o.metadata.namespace ?? null, o.metadata.name))));
  }

  // ── version skew ────────────────────────────────────────────────────────────────────────
  const nodes: NodeVersion[] = nodeList.items.map((n) => {
    const kubeletVersion = n.status?.nodeInfo?.kubeletVersion ?? 'unknown';
    const m = minorOf(kubeletVersion);
    return {
      name: n.metadata.name,
      kubeletVersion,
      minor: m === null ? null : `1.${m}`,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      unschedulable: n.spec?.unschedulable === true,
      controlPlane: n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined,
      old: m !== null && m < target,
    };
  });
  for (const problem of skewProblems(controlPlaneVersion, targetMinor, nodes)) {
    const objects = 'nodes' in problem ? problem.nodes.map((n) => ref('Node', null, n)) : [];
    switch (problem.rule) {
      case 'target-not-ahead':
        findings.push({ category: 'version-skew', severity: 'blocker', title: `Target ${targetMinor} is behind the control plane`, detail: problem.message, action: `Choose a target at or after ${currentMinor}.`, objects });
        break;
      case 'one-minor-at-a-time':
        findings.push({ category: 'version-skew', severity: 'blocker', title: `${currentMinor} → ${targetMinor} skips a minor version`, detail: problem.message, action: `Upgrade the control plane to ${problem.via} first, then run this report again for ${targetMinor}.`, objects });
        break;
      case 'kubelet-newer-than-apiserver':
        findings.push({ category: 'version-skew', severity: 'blocker', title: 'Kubelets newer than the control plane', detail: problem.message, action: `Upgrade the control plane (${controlPlaneVersion}) before anything else, or replace these nodes with ones at ${currentMinor}.`, objects });
        break;
      case 'kubelet-too-old-for-target':
        findings.push({ category: 'version-skew', severity: 'blocker', title: 'Kubelets too old for the next control plane', detail: problem.message, action: 'Replace these nodes with nodes at the current control-plane version (guided upgrade) before upgrading the control plane.', objects });
        break;
      case 'kubelet-behind-target':
        findings.push({
          category: 'version-skew',
          severity: 'info',
          title: `${objects.length} node${objects.length === 1 ? '' : 's'} behind ${targetMinor}`,
          detail: problem.message,
          action: `Once the control plane is at ${targetMinor}, add a node group at ${targetMinor}, then start the guided upgrade: it cordons and drains these nodes one at a time.`,
          objects,
        });
        break;
    }
  }

  // ── what a drain does to workloads ──────────────────────────────────────────────────────
  const livePods = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const budgets = pdbs.items;
  const blocking = budgets.filter(blocksDrain);
  for (const pdb of blocking) {
    const covered = [...deployments.items.map((w) => ({ w, kind: 'Deployment' })), ...statefulsets.items.map((w) => ({ w, kind: 'StatefulSet' }))].filter(
      ({ w }) => w.metadata.namespace === pdb.metadata.namespace && livePods.some((p) => p.metadata.namespace === w.metadata.namespace && selectorMatches(w.spec?.selector, p.metadata.labels) && selectorMatches(pdb.spec?.selector, p.metadata.labels)),
    );
    const rule = pdb.spec?.maxUnavailable !== undefined ? `maxUnavailable ${String(pdb.spec.maxUnavailable)}` : `minAvailable ${String(pdb.spec?.minAvailable ?? 1)}`;
    findings.push({
      category: 'drain-blocked',
      severity: 'blocker',
      title: `PodDisruptionBudget ${pdb.metadata.namespace}/${pdb.metadata.name} blocks a drain`,
      detail: `It allows ${pdb.status?.disruptionsAllowed ?? 0} disruptions (${rule}, ${pdb.status?.currentHealthy ?? 0} healthy of ${pdb.status?.expectedPods ?? 0} expected): every eviction of its pods is refused with 429, so draining a node that runs one hangs.`,
      action: 'Scale the workload above the budget (one more replica than minAvailable), or relax the budget (maxUnavailable 1) for the upgrade; then drain.',
      objects: [ref('PodDisruptionBudget', pdb.metadata.namespace ?? null, pdb.metadata.name), ...covered.map(({ w, kind }) => ref(kind, w.metadata.namespace ?? null, w.metadata.name))],
    });
  }
  const workloads = [...deployments.items.map((w) => ({ w, kind: 'Deployment' })), ...statefulsets.items.map((w) => ({ w, kind: 'StatefulSet' }))];
  const single: ObjectRef[] = [];
  const unprotected: ObjectRef[] = [];
  const together: ObjectRef[] = [];
  for (const { w, kind } of workloads) {
    const replicas = w.spec?.replicas ?? 1;
    if (replicas === 0) continue;
    const mine = livePods.filter((p) => p.metadata.namespace === w.metadata.namespace && selectorMatches(w.spec?.selector, p.metadata.labels));
    const covering = budgets.filter((b) => b.metadata.namespace === w.metadata.namespace && mine.some((p) => selectorMatches(b.spec?.selector, p.metadata.labels)));
    if (covering.some((b) => blocking.includes(b))) continue; // reported as a blocking budget
    const r = ref(kind, w.metadata.namespace ?? null, w.metadata.name);
    if (replicas === 1) {
      single.push(r);
      continue;
    }
    if (covering.length > 0) continue;
    const onNodes = new Set(mine.filter(isPodReady).map((p) => p.spec?.nodeName));
    if (onNodes.size === 1) together.push(r);
    else unprotected.push(r);
  }
  if (single.length) {
    findings.push({
      category: 'drain-downtime',
      severity: 'warning',
      title: `${single.length} single-replica workload${single.length === 1 ? '' : 's'}: down while its node drains`,
      detail: 'With one replica, evicting its pod leaves nothing serving until the replacement is scheduled and Ready.',
      action: 'Scale to two or more replicas (and add a PodDisruptionBudget with maxUnavailable 1) before the upgrade, or accept the gap in a maintenance window.',
      objects: single,
    });
  }
  if (together.length) {
    findings.push({
      category: 'drain-downtime',
      severity: 'warning',
      title: `${together.length} workload${together.length === 1 ? '' : 's'} with every ready replica on one node and no PodDisruptionBudget`,
      detail: 'Draining that node evicts all of its replicas at once: nothing holds them back.',
      action: 'Add a PodDisruptionBudget (maxUnavailable 1) so evictions wait for replacements, and spread the replicas (topologySpreadConstraints).',
      objects: together,
    });
  }
  if (unprotected.length) {
    findings.push({
      category: 'drain-downtime',
      severity: 'info',
      title: `${unprotected.length} workload${unprotected.length === 1 ? '' : 's'} without a PodDisruptionBudget`,
      detail: 'A drain evicts their pods without waiting for replacements; replicas on other nodes keep serving.',
      action: 'Add a PodDisruptionBudget (maxUnavailable 1) to each, so a drain never takes more than one replica at a time.',
      objects: unprotected,
    });
  }

  const order = { blocker: 0, warning: 1, info: 2 } as const;
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  return {
    cluster,
    context,
    controlPlaneVersion,
    currentMinor,
    targetMinor,
    nodes,
    deprecatedServed,
    findings,
    guidedUpgrade: { runbookId: GUIDED_UPGRADE_RUNBOOK, parameters: { context, nodes: nodes.filter((n) => n.old && !n.controlPlane).map((n) => n.name).join(',') } },
    at: (deps.now ?? Date.now)(),
  };
}

/** Every apiVersion an object was written at: its own, kubectl's last-applied, and each field manager's. */
export function writtenAt(o: AnyObject): string[] {
  const out = new Set<string>();
  if (o.apiVersion) out.add(o.apiVersion);
  const applied = o.metadata.annotations?.[LAST_APPLIED];
  if (applied) {
    try {
      const parsed = JSON.parse(applied) as { apiVersion?: unknown };
      if (typeof parsed.apiVersion === 'string') out.add(parsed.apiVersion);
    } catch {
      // Not JSON: not kubectl's annotation after all.
    }
  }
  for (const m of o.metadata.managedFields ?? []) if (m.apiVersion) out.add(m.apiVersion);
  return [...out];
}

/** A budget that refuses every eviction now, or by its own arithmetic whatever the pods do. */
export function blocksDrain(pdb: Pdb): boolean {
  const expected = pdb.status?.expectedPods ?? 0;
  if (expected === 0) return false;
  if ((pdb.status?.disruptionsAllowed ?? 0) === 0) return true;
  const max = pdb.spec?.maxUnavailable;
  if (max === 0 || max === '0' || max === '0%') return true;
  const min = pdb.spec?.minAvailable;
  if (min === '100%') return true;
  return typeof min === 'number' && min >= expected;
}

function removedApiFinding(removal: ApiRemoval, blocksTarget: boolean, targetMinor: string, objects: ObjectRef[]): Finding {
  return {
    category: 'removed-api',
    severity: blocksTarget ? 'blocker' : 'warning',
    title: `${removal.kind} at ${removal.groupVersion}: removed in ${removal.removedIn}`,
    detail: `${objects.length} ${removal.kind}${objects.length === 1 ? ' was' : 's were'} written at ${removal.groupVersion}, which Kubernetes ${removal.removedIn} no longer serves${blocksTarget ? ` (the target ${targetMinor} is past it)` : ''}. The stored objects survive the upgrade; the manifests that write them will fail.`,
    action: `Rewrite the manifests (and Helm charts) at ${removal.replacement} and apply them again; kubectl convert helps.`,
    objects,
  };
}
