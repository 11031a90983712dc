import { ApiError } from '../../../../shared/api/errors.js';
import type { Risk } from '../../../../shared/api/operations.js';
import { kubeObjectId } from '../../../../shared/estate/ids.js';
import { FLAGS_ANNOTATION, parseFlagRefs } from '../../../../shared/flags/flag-refs.js';
import type { ClusterCalls } from '../../providers/kubernetes/cluster-calls.js';
import { withRetry } from '../../providers/kubernetes/cluster-calls.js';
import { FEATURE_FLAG_GROUP, FEATURE_FLAG_RESOURCE, featureFlagPath, flagPatch, flagsOf } from '../../providers/openfeature/feature-flag-resource.js';
import type { FeatureFlagObject, FlagDefinition, FlagState } from '../../providers/openfeature/feature-flag-resource.js';
import type { List, Workload } from '../kube-objects.js';
import type { OperationModule } from '../operation.js';
import { enc, readLive, watchUntil } from '../operation.js';
import { describeTarget } from '../target.js';
import type { Target } from '../target.js';

interface FlagAction {
  flag: string;
  /** The merge patch, literally (providers/openfeature/feature-flag-resource.ts flagPatch). */
  patch: Record<string, unknown>;
  state: FlagState;
  defaultVariant: string;
  /** The workloads whose annotation names this flag: the run lands on their timelines too. */
  affected: string[];
}

/**
 * Change one flag of an OpenFeature FeatureFlag resource: its `state` (ENABLED | DISABLED) or
 * its `defaultVariant`, by a JSON merge patch on the custom resource, as
 * `kubectl patch featureflag … --type merge` would. flagd's Kubernetes sync picks the change
 * up from its watch; every application reading the resource through flagd sees it within
 * seconds. The patch carries absolute values, so a retry repeats it without effect.
 */
export const openfeatureFlag: OperationModule<'openfeature-flag', FlagAction> = {
  kind: 'openfeature-flag',
  targets: ['FeatureFlag'],
  permissions: (target) => [
    { verb: 'get', group: FEATURE_FLAG_GROUP, resource: FEATURE_FLAG_RESOURCE, namespace: target.namespace, name: target.name },
    { verb: 'patch', group: FEATURE_FLAG_GROUP, resource: FEATURE_FLAG_RESOURCE, namespace: target.namespace, name: target.name },
  ],
  async plan(calls, target, { flag, state, defaultVariant }) {
    const what = describeTarget(target);
    const live = await readLive<FeatureFlagObject>(calls, flagPathOf(target), what);
    const before = definitionOf(live, flag, what);
    if (defaultVariant !== undefined && !Object.hasOwn(before.variants, defaultVariant)) {
      throw new ApiError('bad_request', `Flag "${flag}" of ${what} has no variant "${defaultVariant}"; its variants are ${Object.keys(before.variants).join(', ') || 'none'}.`, 'params.defaultVariant');
    }
    const after = { state: state ?? before.state, defaultVariant: defaultVariant ?? before.defaultVariant };
    const patch = flagPatch(flag, { ...(state ? { state } : {}), ...(defaultVariant !== undefined ? { defaultVariant } : {}) });
    await calls.patch(flagPathOf(target), 'merge', patch, { dryRun: true });
    const users = await workloadsUsing(calls, target, flag);
    const risks: Risk[] = [];
    if (after.state === before.state && after.defaultVariant === before.defaultVariant) {
      risks.push({ code: 'no-change', severity: 'info', message: `Flag "${flag}" is already ${before.state} with default variant "${before.defaultVariant}"; nothing will change.` });
    } else {
      risks.push({
        code: 'flag-users',
        severity: 'warning',
        message: users.length
          ? `Every request ${users.map((u) => u.name).join(', ')} evaluate${users.length === 1 ? 's' : ''} through flagd sees the change within seconds.`
          : `No workload in namespace ${target.namespace} names this flag in its ${FLAGS_ANNOTATION} annotation; whoever reads ${what} through flagd sees the change.`,
      });
    }
    const changes = [];
    if (after.state !== before.state || state) changes.push({ field: `spec.flagSpec.flags.${flag}.state`, before: before.state, after: after.state });
    if (after.defaultVariant !== before.defaultVariant || defaultVariant !== undefined) changes.push({ field: `spec.flagSpec.flags.${flag}.defaultVariant`, before: before.defaultVariant, after: after.defaultVariant });
    if (users.length) changes.push({ field: 'used by', before: null, after: users.map((u) => `${u.kind} ${u.name}`).join(', ') });
    const verbs = [after.state !== before.state || state ? (after.state === 'DISABLED' ? 'switch off' : 'switch on') : null, after.defaultVariant !== before.defaultVariant ? `serve "${after.defaultVariant}" from` : null].filter(Boolean);
    return {
      summary: `${capitalise(verbs.join(' and ') || 'leave')} flag "${flag}" of ${what} on cluster ${target.cluster} (${before.state}, "${before.defaultVariant}" → ${after.state}, "${after.defaultVariant}").`,
      changes,
      risks,
      action: { flag, patch, ...after, affected: users.map((u) => kubeObjectId(target.cluster, u.kind, target.namespace, u.name)) },
      fingerprint: resourceFingerprint(live),
      verb: `${verbs[0] ?? 'change'} flag ${flag}`,
    };
  },
  async fingerprint(calls, target) {
    return resourceFingerprint(await readLive<FeatureFlagObject>(calls, flagPathOf(target), describeTarget(target)));
  },
  async execute(run, { patch, flag, state }) {
    await withRetry(() => run.calls.patch(flagPathOf(run.target), 'merge', patch));
    run.report(`Patched flag "${flag}" (state ${state}).`);
  },
  verify(run, { flag, state, defaultVariant }) {
    return watchUntil(run, async () => {
      const live = await readLive<FeatureFlagObject>(run.calls, flagPathOf(run.target), describeTarget(run.target));
      const now = flagsOf(live).get(flag);
      if (!now) return { done: false, failed: true, message: `Flag "${flag}" is no longer in ${describeTarget(run.target)}.` };
      const done = now.state === state && now.defaultVariant === defaultVariant;
      return { done, message: `Flag "${flag}" reads back ${now.state}, default variant "${now.defaultVariant}".` };
    });
  },
  affected: (action) => action.affected,
};

function flagPathOf(target: Target): string {
  return featureFlagPath(target.namespace ?? '', target.name);
}

function definitionOf(resource: FeatureFlagObject, flag: string, what: string): FlagDefinition {
  const flags = flagsOf(resource);
  const found = flags.get(flag);
  if (!found) throw new ApiError('bad_request', `${what} has no flag "${flag}"; it has ${[...flags.keys()].join(', ') || 'none'}.`, 'params.flag');
  return found;
}

/**
 * Every flag's state and default variant, not the resourceVersion: a label or the targeting
 * changing does not make the plan stale, while any flag switched since does, because the
 * plan's "who is affected" was read against them all.
 */
function resourceFingerprint(resource: FeatureFlagObject): string {
  const flags = flagsOf(resource);
  return [...flags.keys()].sort().map((key) => `${key}=${flags.get(key)!.state}/${flags.get(key)!.defaultVariant}`).join(',');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Workloads in the flag's namespace whose annotation names it (the whole resource or this
 * flag). Read live; a list the user may not make is a risk unseen, not a failure.
 */
async function workloadsUsing(calls: ClusterCalls, target: Target, flag: string): Promise<{ kind: 'Deployment' | 'StatefulSet'; name: string }[]> {
  const out: { kind: 'Deployment' | 'StatefulSet'; name: string }[] = [];
  for (const [kind, plural] of [['Deployment', 'deployments'], ['StatefulSet', 'statefulsets']] as const) {
    let items: Workload[];
    try {
      items = (await calls.get<List<Workload>>(`/apis/apps/v1/namespaces/${enc(target.namespace ?? '')}/${plural}`)).items ?? [];
    } catch {
      continue;
    }
    for (const workload of items) {
      const annotation = workload.metadata.annotations?.[FLAGS_ANNOTATION];
      if (!annotation) continue;
      const { refs } = parseFlagRefs(annotation, workload.metadata.namespace ?? target.namespace ?? '');
      if (refs.some((r) => r.backend === 'openfeature' && r.namespace === target.namespace && r.name === target.name && (r.flag === null || r.flag === flag))) {
        out.push({ kind, name: workload.metadata.name });
      }
    }
  }
  return out;
}
