import type { EntityKind } from './model.js';

/**
 * Every id Daytwo spells, built and read here and nowhere else. Ids are stable, readable
 * strings that say where a thing lives:
 *
 *   k8s:<cluster>                                   a Kubernetes cluster
 *   k8s:<cluster>/<namespace>                       a namespace
 *   k8s:<cluster>/<Kind>/<name>                     a cluster-scoped object (Node …)
 *   k8s:<cluster>/<namespace>/<Kind>/<name>         a namespaced object (Kind as Kubernetes spells it)
 *   cloud:<aws|gcp|azure|onprem>                    the top of the containment tree
 *   <cloud>:<account>                               an account (project, subscription, datacenter)
 *   <cloud>:<account>/<region>                      a region
 *   aws:<account>/<region>/<type>/<name>            a cloud resource (type: alb, rds, nodegroup, alarm)
 *   app:<name>                                      a logical app (shared/estate/apps.ts)
 *
 * `<cluster>` is a cluster key: the name of the cluster as the kubeconfig calls it, with "%"
 * and "/" percent-encoded so that an EKS ARN (`arn:aws:eks:…:cluster/shop`) stays one
 * segment. Kubernetes names never contain "/", so every k8s id reads by counting segments.
 *
 * Source ids (what sources.list returns) are a separate namespace that happens to share
 * prefixes: `k8s:<context>` for each kubeconfig context, `aws:<profile>/<region>`,
 * `prometheus:<url>`.
 */

/**
 * Ids of the containment levels above clusters and cloud resources. Providers use these to
 * set a cluster's or a resource's parentId; the engine's state creates the entities they
 * name (see electron/engine/state/estate-sink.ts), so both sides must spell them alike.
 */
export type CloudName = 'aws' | 'gcp' | 'azure' | 'onprem';
const clouds: ReadonlySet<string> = new Set<CloudName>(['aws', 'gcp', 'azure', 'onprem']);

export function cloudId(cloud: CloudName): string {
  return `cloud:${cloud}`;
}

/** An AWS account, a GCP project, an Azure subscription, or an on-premises datacenter. */
export function accountId(cloud: CloudName, account: string): string {
  return `${cloud}:${account}`;
}

export function regionId(cloud: CloudName, account: string, region: string): string {
  return `${cloud}:${account}/${region}`;
}

/** What a containment id names, for the state to create it; null for any other id. */
export interface ContainmentLevel {
  kind: Extract<EntityKind, 'cloud' | 'account' | 'region'>;
  name: string;
  parentId: string | null;
  cloud: CloudName;
}

export function containmentLevel(id: string): ContainmentLevel | null {
  const colon = id.indexOf(':');
  if (colon <= 0) return null;
  const prefix = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (rest.length === 0) return null;
  if (prefix === 'cloud') {
    return clouds.has(rest) ? { kind: 'cloud', name: rest, parentId: null, cloud: rest as CloudName } : null;
  }
  if (!clouds.has(prefix)) return null;
  const cloud = prefix as CloudName;
  const parts = rest.split('/');
  if (parts.some((part) => part.length === 0)) return null;
  if (parts.length === 1) return { kind: 'account', name: rest, parentId: cloudId(cloud), cloud };
  if (parts.length === 2) {
    const [account, region] = parts as [string, string];
    return { kind: 'region', name: region, parentId: accountId(cloud, account), cloud };
  }
  return null;
}

// ── Kubernetes ─────────────────────────────────────────────────────────────────────────────

const kubePrefix = 'k8s:';

/** A cluster key from a kubeconfig cluster name: one id segment, readable, reversible. */
export function clusterKey(clusterName: string): string {
  return clusterName.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** The kubeconfig cluster name a key was made from. */
export function clusterNameOf(key: string): string {
  return key.replace(/%2F/gi, '/').replace(/%25/g, '%');
}

export function clusterId(key: string): string {
  return `${kubePrefix}${key}`;
}

export function namespaceId(key: string, namespace: string): string {
  return `${kubePrefix}${key}/${namespace}`;
}

/**
 * A Kubernetes object. `kind` as Kubernetes spells it (Deployment, Node …); namespace null
 * for cluster-scoped objects. A Namespace object is the namespace entity itself.
 */
export function kubeObjectId(key: string, kind: string, namespace: string | null, name: string): string {
  if (kind === 'Namespace') return namespaceId(key, name);
  // join makes one flat string: a template's concatenation keeps a 32-byte wrapper beside the
  // flattened text wherever the id is held (the engine holds one per object, ~2 MB at 50,000 pods).
  return namespace ? [kubePrefix, key, '/', namespace, '/', kind, '/', name].join('') : [kubePrefix, key, '/', kind, '/', name].join('');
}

export type KubeIdShape =
  | { shape: 'cluster'; clusterKey: string }
  | { shape: 'namespace'; clusterKey: string; namespace: string }
  | { shape: 'object'; clusterKey: string; namespace: string | null; kind: string; name: string };

/** Reads a k8s id; null for anything else (another prefix, a malformed id). */
export function parseKubeId(id: string): KubeIdShape | null {
  if (!id.startsWith(kubePrefix)) return null;
  const parts = id.slice(kubePrefix.length).split('/');
  if (parts.some((part) => part.length === 0)) return null;
  const key = parts[0] as string;
  switch (parts.length) {
    case 1:
      return { shape: 'cluster', clusterKey: key };
    case 2:
      return { shape: 'namespace', clusterKey: key, namespace: parts[1] as string };
    case 3:
      return { shape: 'object', clusterKey: key, namespace: null, kind: parts[1] as string, name: parts[2] as string };
    case 4:
      return { shape: 'object', clusterKey: key, namespace: parts[1] as string, kind: parts[2] as string, name: parts[3] as string };
    default:
      return null;
  }
}

/** The cluster entity id any k8s id lives under; null for other ids. */
export function clusterIdOf(id: string): string | null {
  const parsed = parseKubeId(id);
  return parsed ? clusterId(parsed.clusterKey) : null;
}

/** A Kubernetes Event, as the event store keys it (unique within its source). */
export function kubeEventId(key: string, namespace: string, name: string): string {
  return `${kubePrefix}${key}/${namespace}/Event/${name}`;
}

// ── Cloud resources and apps ───────────────────────────────────────────────────────────────

/** A cloud resource in a region: a load balancer, database, node group or alarm. */
export function cloudResourceId(cloud: CloudName, account: string, region: string, type: string, name: string): string {
  return `${cloud}:${account}/${region}/${type}/${name}`;
}

export function appId(appName: string): string {
  return `app:${appName}`;
}

// ── Sources ────────────────────────────────────────────────────────────────────────────────

/** The source of one kubeconfig context: each context is a way into a cluster. */
export function kubeSourceId(context: string): string {
  return `${kubePrefix}${context}`;
}

/** The context a Kubernetes source id names; null for other sources. */
export function contextOfSource(sourceId: string): string | null {
  return sourceId.startsWith(kubePrefix) ? sourceId.slice(kubePrefix.length) : null;
}

export function awsSourceId(profile: string, region: string): string {
  return `aws:${profile}/${region}`;
}

export function prometheusSourceId(url: string): string {
  return `prometheus:${url}`;
}

/** An Alertmanager source, and the target of silence operations: `alertmanager:<base URL>`. */
export function alertmanagerSourceId(url: string): string {
  return `alertmanager:${url}`;
}
