import type { ClusterVersion } from './cluster.js';
import { type ResourceType, groupVersion } from './resources.js';
import { fnv32a } from '../world/random.js';

/**
 * Discovery documents (https://kubernetes.io/docs/concepts/overview/kubernetes-api/#discovery-api):
 * the unaggregated form, which every client falls back to when a server answers the aggregated
 * Accept type with plain application/json.
 */

export function versionInfo(v: ClusterVersion): Record<string, string> {
  const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(v.gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '30',
    gitVersion: v.gitVersion,
    gitCommit: fnv32a(v.gitVersion).toString(16).padStart(8, '0').repeat(5),
    gitTreeState: 'clean',
    buildDate: '2024-10-22T20:35:25Z',
    goVersion: 'go1.22.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** API groups in the order their resources are listed, each with its versions. */
function apiGroups(resources: readonly ResourceType[]): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    if (r.group === '') continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

function groupEntry(g: { name: string; versions: string[] }): Record<string, unknown> {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(resources: readonly ResourceType[]): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups(resources).map(groupEntry) };
}

export function apiGroup(resources: readonly ResourceType[], name: string): Record<string, unknown> | undefined {
  const g = apiGroups(resources).find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g) } : undefined;
}

export function apiResourceList(served: readonly ResourceType[], gv: string): Record<string, unknown> | undefined {
  const resources = served.filter((r) => groupVersion(r) === gv);
  if (resources.length === 0) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const r of resources) {
    entries.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      ...(r.stored ? { storageVersionHash: Buffer.from(fnv32a(`${gv}/${r.kind}`).toString(16)).toString('base64').slice(0, 11) + '=' } : {}),
    });
    for (const sub of r.subresources ?? []) {
      entries.push({
        name: `${r.plural}/${sub.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind || r.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources: entries };
}
