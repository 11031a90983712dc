/**
 * API versions Kubernetes removes, and in which minor release, transcribed from the upstream
 * Deprecated API Migration Guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/,
 * "Removed APIs by release"). Each row names the kind, the group/version that goes away and the
 * version to move to. As pluto and kubent do, a manifest is judged by the apiVersion it was
 * written at: the object's own apiVersion, and the one in kubectl's last-applied-configuration.
 */

export interface ApiRemoval {
  groupVersion: string;
  kind: string;
  /** Resource name in discovery (plural), to list objects of the kind. */
  plural: string;
  /** The minor release that no longer serves it: "1.25". */
  removedIn: string;
  replacement: string;
}

const row = (groupVersion: string, kind: string, plural: string, removedIn: string, replacement: string): ApiRemoval => ({ groupVersion, kind, plural, removedIn, replacement });

export const API_REMOVALS: readonly ApiRemoval[] = [
  // v1.16
  row('extensions/v1beta1', 'Deployment', 'deployments', '1.16', 'apps/v1'),
  row('apps/v1beta1', 'Deployment', 'deployments', '1.16', 'apps/v1'),
  row('apps/v1beta2', 'Deployment', 'deployments', '1.16', 'apps/v1'),
  row('extensions/v1beta1', 'DaemonSet', 'daemonsets', '1.16', 'apps/v1'),
  row('apps/v1beta2', 'DaemonSet', 'daemonsets', '1.16', 'apps/v1'),
  row('apps/v1beta1', 'StatefulSet', 'statefulsets', '1.16', 'apps/v1'),
  row('apps/v1beta2', 'StatefulSet', 'statefulsets', '1.16', 'apps/v1'),
  row('extensions/v1beta1', 'ReplicaSet', 'replicasets', '1.16', 'apps/v1'),
  row('apps/v1beta2', 'ReplicaSet', 'replicasets', '1.16', 'apps/v1'),
  row('extensions/v1beta1', 'NetworkPolicy', 'networkpolicies', '1.16', 'networking.k8s.io/v1'),
  // v1.22
  row('admissionregistration.k8s.io/v1beta1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', '1.22', 'admissionregistration.k8s.io/v1'),
  row('admissionregistration.k8s.io/v1beta1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', '1.22', 'admissionregistration.k8s.io/v1'),
  row('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 'customresourcedefinitions', '1.22', 'apiextensions.k8s.io/v1'),
  row('apiregistration.k8s.io/v1beta1', 'APIService', 'apiservices', '1.22', 'apiregistration.k8s.io/v1'),
  row('certificates.k8s.io/v1beta1', 'CertificateSigningRequest', 'certificatesigningrequests', '1.22', 'certificates.k8s.io/v1'),
  row('coordination.k8s.io/v1beta1', 'Lease', 'leases', '1.22', 'coordination.k8s.io/v1'),
  row('extensions/v1beta1', 'Ingress', 'ingresses', '1.22', 'networking.k8s.io/v1'),
  row('networking.k8s.io/v1beta1', 'Ingress', 'ingresses', '1.22', 'networking.k8s.io/v1'),
  row('networking.k8s.io/v1beta1', 'IngressClass', 'ingressclasses', '1.22', 'networking.k8s.io/v1'),
  row('rbac.authorization.k8s.io/v1beta1', 'ClusterRole', 'clusterroles', '1.22', 'rbac.authorization.k8s.io/v1'),
  row('rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', 'clusterrolebindings', '1.22', 'rbac.authorization.k8s.io/v1'),
  row('rbac.authorization.k8s.io/v1beta1', 'Role', 'roles', '1.22', 'rbac.authorization.k8s.io/v1'),
  row('rbac.authorization.k8s.io/v1beta1', 'RoleBinding', 'rolebindings', '1.22', 'rbac.authorization.k8s.io/v1'),
  row('scheduling.k8s.io/v1beta1', 'PriorityClass', 'priorityclasses', '1.22', 'scheduling.k8s.io/v1'),
  row('storage.k8s.io/v1beta1', 'CSIDriver', 'csidrivers', '1.22', 'storage.k8s.io/v1'),
  row('storage.k8s.io/v1beta1', 'CSINode', 'csinodes', '1.22', 'storage.k8s.io/v1'),
  row('storage.k8s.io/v1beta1', 'StorageClass', 'storageclasses', '1.22', 'storage.k8s.io/v1'),
  row('storage.k8s.io/v1beta1', 'VolumeAttachment', 'volumeattachments', '1.22', 'storage.k8s.io/v1'),
  // v1.25
  row('batch/v1beta1', 'CronJob', 'cronjobs', '1.25', 'batch/v1'),
  row('discovery.k8s.io/v1beta1', 'EndpointSlice', 'endpointslices', '1.25', 'discovery.k8s.io/v1'),
  row('events.k8s.io/v1beta1', 'Event', 'events', '1.25', 'events.k8s.io/v1'),
  row('autoscaling/v2beta1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', '1.25', 'autoscaling/v2'),
  row('policy/v1beta1', 'PodDisruptionBudget', 'poddisruptionbudgets', '1.25', 'policy/v1'),
  row('policy/v1beta1', 'PodSecurityPolicy', 'podsecuritypolicies', '1.25', 'Pod Security Admission (no replacement API)'),
  row('node.k8s.io/v1beta1', 'RuntimeClass', 'runtimeclasses', '1.25', 'node.k8s.io/v1'),
  // v1.26
  row('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 'flowschemas', '1.26', 'flowcontrol.apiserver.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta1', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', '1.26', 'flowcontrol.apiserver.k8s.io/v1'),
  row('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', '1.26', 'autoscaling/v2'),
  // v1.27
  row('storage.k8s.io/v1beta1', 'CSIStorageCapacity', 'csistoragecapacities', '1.27', 'storage.k8s.io/v1'),
  // v1.29
  row('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema', 'flowschemas', '1.29', 'flowcontrol.apiserver.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', '1.29', 'flowcontrol.apiserver.k8s.io/v1'),
  // v1.32
  row('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', 'flowschemas', '1.32', 'flowcontrol.apiserver.k8s.io/v1'),
  row('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', '1.32', 'flowcontrol.apiserver.k8s.io/v1'),
];

/** "1.29" → 29; anything else → null. Only 1.x exists. */
export function minorOf(version: string): number | null {
  const m = /^v?1\.(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : null;
}

/** How far ahead of the upgrade target the report looks for removals: the next minors, not just the target. */
export const LOOK_AHEAD_MINORS = 2;

export interface RemovalVerdict {
  removal: ApiRemoval;
  /** Removed at or before the target: the upgrade breaks whatever still writes this version. */
  blocksTarget: boolean;
}

/**
 * The removals that matter for an upgrade from `current` to `target`: those removed after the
 * current minor and at or before the target (blockers), and those removed in the few minors
 * after the target (warnings, to fix before the next upgrade).
 */
export function removalsAhead(current: string, target: string, lookAhead = LOOK_AHEAD_MINORS): RemovalVerdict[] {
  const from = minorOf(current);
  const to = minorOf(target);
  if (from === null || to === null) return [];
  const out: RemovalVerdict[] = [];
  for (const removal of API_REMOVALS) {
    const at = minorOf(removal.removedIn) as number;
    if (at <= from || at > to + lookAhead) continue;
    out.push({ removal, blocksTarget: at <= to });
  }
  return out;
}

/** The removal that applies to a manifest written at `apiVersion` for `kind`, if any. */
export function removalFor(apiVersion: string, kind: string): ApiRemoval | undefined {
  return API_REMOVALS.find((r) => r.groupVersion === apiVersion && r.kind === kind);
}
