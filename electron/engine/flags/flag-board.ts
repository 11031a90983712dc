import type { FlagEnvironment, ServiceFlag } from '../../../shared/api/flags.js';
import { clusterNameOf, kubeObjectId, parseKubeId } from '../../../shared/estate/ids.js';
import type { Entity } from '../../../shared/estate/model.js';
import { FLAGS_ANNOTATION, parseFlagRefs } from '../../../shared/flags/flag-refs.js';
import type { FlagRef } from '../../../shared/flags/flag-refs.js';
import type { ClusterAccess } from '../operations/cluster-access.js';
import { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';
import { findFeatureFlag, flagsOf } from '../providers/openfeature/feature-flag-resource.js';
import { rolloutOf, rolloutStrategy, soleVariant } from '../providers/unleash/admin-api.js';
import type { UnleashConnections } from '../sources/unleash-connections.js';
import { explainUnleash } from '../sources/unleash-connections.js';
import { unleashTarget } from '../operations/kinds/unleash-flag.js';

export interface FlagBoardOptions {
  /**
   * The workload entity ids of a service (the catalog's) and the flags its catalog-info.yaml
   * names for all of them; throws not_found for an unknown service.
   */
  serviceOf(serviceId: string): Promise<{ workloads: string[]; catalogFlags: string | null }>;
  entity(id: string): Entity | undefined;
  clusters: ClusterAccess;
  unleash: UnleashConnections;
  isProduction(name: string): boolean;
}

/**
 * The flags a service uses, with their state in every environment, read live: each workload's
 * `daytwo.io/feature-flags` annotation (shared/flags/flag-refs.ts), and the same annotation on
 * the service's catalog-info.yaml component, name FeatureFlag resources
 * (read through a live context of the workload's cluster: the environment is the cluster) and
 * Unleash features (read from every configured Unleash server: the environments are Unleash's).
 * What cannot be read is said in `problems`, and the rest is still shown.
 */
export class FlagBoard {
  constructor(private readonly options: FlagBoardOptions) {}

  async forService(serviceId: string): Promise<{ flags: ServiceFlag[]; problems: string[] }> {
    const { workloads, catalogFlags } = await this.options.serviceOf(serviceId);
    const problems: string[] = [];
    const openfeature = new Map<string, { clusterKey: string; ref: Extract<FlagRef, { backend: 'openfeature' }>; users: string[] }>();
    const unleash = new Map<string, { ref: Extract<FlagRef, { backend: 'unleash' }>; users: string[] }>();
    for (const id of workloads) {
      const entity = this.options.entity(id);
      const parsed = parseKubeId(id);
      // The catalog's annotation applies to every workload of the service, in its own namespace.
      const annotation = [entity?.annotations[FLAGS_ANNOTATION], catalogFlags].filter(Boolean).join(',');
      if (!entity || !parsed || parsed.shape !== 'object' || !annotation) continue;
      const { refs, problems: bad } = parseFlagRefs(annotation, parsed.namespace ?? 'default');
      for (const problem of bad) problems.push(`${parsed.kind} ${parsed.namespace}/${parsed.name}: ${FLAGS_ANNOTATION} ${problem}`);
      for (const ref of refs) {
        if (ref.backend === 'openfeature') {
          const key = `${parsed.clusterKey}|${ref.namespace}|${ref.name}|${ref.flag ?? ''}`;
          const entry = openfeature.get(key) ?? { clusterKey: parsed.clusterKey, ref, users: [] };
          entry.users.push(id);
          openfeature.set(key, entry);
        } else {
          const key = `${ref.project}|${ref.feature}`;
          const entry = unleash.get(key) ?? { ref, users: [] };
          entry.users.push(id);
          unleash.set(key, entry);
        }
      }
    }
    const rows = new Map<string, ServiceFlag>();
    const row = (key: string, make: () => ServiceFlag) => rows.get(key) ?? rows.set(key, make()).get(key)!;
    await Promise.all(
      [...openfeature.values()].map(async ({ clusterKey, ref, users }) => {
        const cluster = clusterNameOf(clusterKey);
        const context = this.options.clusters.contextsOf(clusterKey).find((c) => this.options.clusters.isLive(c) && this.options.clusters.kubeConfigFor(c));
        if (!context) {
          problems.push(`FeatureFlag ${ref.namespace}/${ref.name} on ${cluster}: no live context reaches the cluster.`);
          return;
        }
        let resource;
        try {
          resource = await findFeatureFlag(new ClusterCalls(context, this.options.clusters.kubeConfigFor(context)!), ref.namespace, ref.name);
        } catch (error) {
          problems.push(`FeatureFlag ${ref.namespace}/${ref.name} on ${cluster}: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        if (!resource) {
          problems.push(`FeatureFlag ${ref.namespace}/${ref.name} does not exist on ${cluster} (named by ${users.map((u) => u.split('/').pop()).join(', ')}).`);
          return;
        }
        for (const [key, flag] of flagsOf(resource)) {
          if (ref.flag !== null && ref.flag !== key) continue;
          const entry = row(`openfeature|${ref.namespace}/${ref.name}|${key}`, () => ({ backend: 'openfeature', key, source: `FeatureFlag ${ref.namespace}/${ref.name}`, environments: [], usedBy: [] }));
          const environment: FlagEnvironment = {
            environment: cluster,
            production: this.options.isProduction(context),
            enabled: flag.state === 'ENABLED',
            variant: flag.defaultVariant || null,
            variants: Object.keys(flag.variants).sort(),
            rollout: null,
            target: kubeObjectId(clusterKey, 'FeatureFlag', ref.namespace, ref.name),
            params: { flag: key },
          };
          entry.environments.push(environment);
          for (const user of users) if (!entry.usedBy.includes(user)) entry.usedBy.push(user);
        }
      }),
    );
    const urls = this.options.unleash.urls();
    if (unleash.size > 0 && urls.length === 0) problems.push('This service names Unleash features, and no Unleash connection is configured: add one in Settings.');
    await Promise.all(
      [...unleash.values()].flatMap(({ ref, users }) =>
        urls.map(async (url) => {
          const api = this.options.unleash.client(url);
          if (!api) return;
          let feature;
          try {
            feature = await api.feature(ref.project, ref.feature);
            this.options.unleash.observed(url, { ok: true });
          } catch (error) {
            this.options.unleash.observed(url, { ok: false, error });
            problems.push(`Unleash ${ref.project}/${ref.feature} at ${url}: ${explainUnleash(error, url)?.message ?? String(error)}`);
            return;
          }
          if (!feature) {
            problems.push(`Unleash at ${url} has no feature ${ref.feature} in project ${ref.project}.`);
            return;
          }
          rows.set(`unleash|${url}|${ref.project}/${ref.feature}`, {
            backend: 'unleash',
            key: ref.feature,
            source: `Unleash ${ref.project}/${ref.feature} at ${url}`,
            usedBy: users,
            environments: feature.environments.map((env) => {
              const strategy = rolloutStrategy(env);
              return {
                environment: env.name,
                production: env.type === 'production' || this.options.isProduction(env.name),
                enabled: env.enabled,
                variant: soleVariant(strategy),
                variants: strategy?.variants.map((v) => v.name) ?? [],
                rollout: rolloutOf(strategy),
                target: unleashTarget(url, ref.project, ref.feature),
                params: { environment: env.name },
              };
            }),
          });
        }),
      ),
    );
    const flags = [...rows.values()].sort((a, b) => a.key.localeCompare(b.key) || a.source.localeCompare(b.source));
    for (const flag of flags) flag.environments.sort((a, b) => a.environment.localeCompare(b.environment));
    return { flags, problems };
  }
}
