/**
 * Which feature flags a workload uses, as its `daytwo.io/feature-flags` annotation says
 * (docs/architecture.md, "Feature flags"): references separated by commas or spaces.
 *
 *   openfeature:<name>             every flag of FeatureFlag <name> in the workload's namespace
 *   openfeature:<namespace>/<name> the same, in another namespace
 *   …#<flag key>                   only that flag of the resource
 *   unleash:<project>/<feature>    an Unleash feature, in every configured Unleash connection
 *   unleash:<feature>              the same, in Unleash's `default` project
 *
 * Pure and shared, so the catalog's annotations and a workload's read the same way.
 */

export const FLAGS_ANNOTATION = 'daytwo.io/feature-flags';

export type FlagRef =
  | { backend: 'openfeature'; namespace: string; name: string; flag: string | null }
  | { backend: 'unleash'; project: string; feature: string };

const dnsName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const unleashName = /^[A-Za-z0-9_.~-]{1,100}$/;
const flagKey = /^[A-Za-z0-9_.:/-]{1,253}$/;

/** The references in an annotation value, and each token it could not read, with why. */
export function parseFlagRefs(value: string, namespace: string): { refs: FlagRef[]; problems: string[] } {
  const refs: FlagRef[] = [];
  const problems: string[] = [];
  for (const token of value.slice(0, 4000).split(/[\s,]+/).filter(Boolean).slice(0, 50)) {
    const ref = parseOne(token, namespace);
    if (typeof ref === 'string') problems.push(ref);
    else if (!refs.some((r) => sameRef(r, ref))) refs.push(ref);
  }
  return { refs, problems };
}

function parseOne(token: string, namespace: string): FlagRef | string {
  const colon = token.indexOf(':');
  const scheme = colon < 0 ? 'openfeature' : token.slice(0, colon);
  const rest = colon < 0 ? token : token.slice(colon + 1);
  if (scheme === 'openfeature') {
    const [resource = '', flag] = rest.split('#', 2);
    const parts = resource.split('/');
    const [ns, name] = parts.length === 2 ? parts : [namespace, parts[0]];
    if (parts.length > 2 || !ns || !name || !dnsName.test(ns) || !dnsName.test(name)) return `"${token}" is not openfeature:[<namespace>/]<FeatureFlag name>[#<flag>].`;
    if (flag !== undefined && !flagKey.test(flag)) return `"${token}" names a flag key that is not valid.`;
    return { backend: 'openfeature', namespace: ns, name, flag: flag ?? null };
  }
  if (scheme === 'unleash') {
    const parts = rest.split('/');
    const [project, feature] = parts.length === 2 ? parts : ['default', parts[0]];
    if (parts.length > 2 || !project || !feature || !unleashName.test(project) || !unleashName.test(feature)) return `"${token}" is not unleash:[<project>/]<feature>.`;
    return { backend: 'unleash', project, feature };
  }
  return `"${token}" names no flag system Daytwo reads (openfeature:, unleash:).`;
}

function sameRef(a: FlagRef, b: FlagRef): boolean {
  if (a.backend === 'openfeature' && b.backend === 'openfeature') return a.namespace === b.namespace && a.name === b.name && a.flag === b.flag;
  if (a.backend === 'unleash' && b.backend === 'unleash') return a.project === b.project && a.feature === b.feature;
  return false;
}
