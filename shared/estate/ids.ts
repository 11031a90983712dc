import type { EntityKind } from './model.js';

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
