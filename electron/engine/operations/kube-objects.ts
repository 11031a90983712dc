/**
 * The parts of Kubernetes objects operations read. Loose on purpose: objects arrive as JSON
 * from any conformant API server, and only these fields matter to a plan.
 */

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: { name: string; image?: string }[]; [key: string]: unknown };
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface Workload {
  kind?: string;
  metadata: Meta;
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: LabelSelector;
    template?: PodTemplate;
    [key: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    conditions?: Condition[];
  };
}

export interface ReplicaSet {
  metadata: Meta;
  spec?: { replicas?: number; template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface Pod {
  metadata: Meta;
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[] };
  status?: { phase?: string; conditions?: Condition[] };
}

export interface NodeObject {
  metadata: Meta;
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
}

export interface Hpa {
  metadata: Meta;
  spec?: { scaleTargetRef?: { kind: string; name: string }; minReplicas?: number; maxReplicas?: number };
  status?: { currentReplicas?: number; desiredReplicas?: number; observedGeneration?: number };
}

export interface Pdb {
  metadata: Meta;
  spec?: { selector?: LabelSelector; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; expectedPods?: number };
}

export interface List<T> {
  items: T[];
}

export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}


export function controllerOf(meta: Meta): { kind: string; name: string } | undefined {
  return meta.ownerReferences?.find((ref) => ref.controller) ?? meta.ownerReferences?.[0];
}

export function imagesOf(template: PodTemplate | undefined): string[] {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? '');
}
