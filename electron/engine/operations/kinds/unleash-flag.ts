import { ApiError } from '../../../../shared/api/errors.js';
import type { DiffLine, Risk } from '../../../../shared/api/operations.js';
import type { ExternalOperationModule, ExternalTarget } from '../external-operation.js';
import { watchUntil } from '../operation.js';
import { rolloutOf, rolloutStrategy, soleVariant } from '../../providers/unleash/admin-api.js';
import type { UnleashAdminApi, UnleashEnvironment, UnleashFeature, UnleashStrategy } from '../../providers/unleash/admin-api.js';

/** What an Unleash operation acts with: the Admin API client and what the estate knows of the feature. */
export interface UnleashActor {
  api: UnleashAdminApi;
  /** A production environment (Unleash's own `type: production`, or a name matching Settings' production patterns). */
  isProduction(environment: UnleashEnvironment): boolean;
  /** The workloads whose daytwo.io/feature-flags annotation names the feature. */
  usersOf(project: string, feature: string): { id: string; name: string }[];
}

interface UnleashFlagAction {
  project: string;
  feature: string;
  environment: string;
  enabled: boolean;
  /** The whole strategy as PUT will send it (Unleash replaces a strategy whole), when it changes. */
  strategy: UnleashStrategy | null;
  rollout: number | null;
  variant: string | null;
  affected: string[];
}

/** `unleash:<base URL>/projects/<project>/features/<feature>` (shared/api/operations.ts UnleashFeatureTarget). */
export function parseUnleashTarget(id: string): ExternalTarget & { url: string; project: string; feature: string } {
  const match = /^unleash:(https?:\/\/.+)\/projects\/([^/]+)\/features\/([^/]+)$/.exec(id);
  if (!match) throw new ApiError('bad_request', `Not an Unleash feature: "${id.slice(0, 200)}"; expected unleash:<base URL>/projects/<project>/features/<feature>.`, 'target');
  const [, url, project, feature] = match as unknown as [string, string, string, string];
  return { id, sourceId: `unleash:${url}`, name: feature, url, project, feature };
}

export function unleashTarget(url: string, project: string, feature: string): string {
  return `unleash:${url}/projects/${project}/features/${feature}`;
}

/**
 * Change an Unleash feature in one environment through the Admin API: switch it on or off
 * (POST …/environments/:env/on|off), set its flexibleRollout strategy's `rollout` percentage,
 * or make one of that strategy's variants the one everybody gets (the variant `variable`, the
 * others fixed at weight 0: Unleash requires one `variable` variant). Environment-level
 * variants are deprecated and Unleash 7 refuses them, so variants are the strategy's.
 * Both calls carry absolute values, so a retried execute repeats them without effect.
 */
export const unleashFlag: ExternalOperationModule<'unleash-flag', UnleashActor, UnleashFlagAction> = {
  system: 'unleash',
  kind: 'unleash-flag',
  async plan(client, target, { environment, enabled, rolloutPercentage, variant }) {
    const { project, feature } = parseUnleashTarget(target.id);
    const live = await readFeature(client, project, feature);
    const env = environmentOf(live, environment);
    const strategy = rolloutStrategy(env);
    const beforeRollout = rolloutOf(strategy);
    const beforeVariant = soleVariant(strategy);
    if ((rolloutPercentage !== undefined || variant !== undefined) && !strategy) {
      throw new ApiError('bad_request', `Feature ${feature} has no flexibleRollout strategy in ${environment}; add one in Unleash to set a rollout percentage or a variant.`, rolloutPercentage !== undefined ? 'params.rolloutPercentage' : 'params.variant');
    }
    if (variant !== undefined && !strategy!.variants.some((v) => v.name === variant)) {
      throw new ApiError('bad_request', `Feature ${feature}'s rollout in ${environment} has no variant "${variant}"; it has ${strategy!.variants.map((v) => v.name).join(', ') || 'none'}.`, 'params.variant');
    }
    let next: UnleashStrategy | null = null;
    if (strategy && (rolloutPercentage !== undefined || variant !== undefined)) {
      next = {
        ...strategy,
        parameters: { ...strategy.parameters, ...(rolloutPercentage !== undefined ? { rollout: String(rolloutPercentage) } : {}) },
        variants: variant === undefined ? strategy.variants : strategy.variants.map((v) => (v.name === variant ? { ...v, weightType: 'variable' as const } : { ...v, weightType: 'fix' as const, weight: 0 })),
      };
    }
    const after = { enabled: enabled ?? env.enabled, rollout: rolloutPercentage ?? beforeRollout, variant: variant ?? beforeVariant };
    const users = client.usersOf(project, feature);
    const changes: DiffLine[] = [];
    if (enabled !== undefined) changes.push({ field: `${environment}.enabled`, before: String(env.enabled), after: String(after.enabled) });
    if (rolloutPercentage !== undefined) changes.push({ field: `${environment}.flexibleRollout.rollout`, before: beforeRollout === null ? null : `${beforeRollout}%`, after: `${rolloutPercentage}%` });
    if (variant !== undefined) changes.push({ field: `${environment}.flexibleRollout.variants`, before: describeVariants(strategy!), after: `${variant} for everybody` });
    if (users.length) changes.push({ field: 'used by', before: null, after: users.map((u) => u.name).join(', ') });
    const risks: Risk[] = [];
    if (client.isProduction(env)) risks.push({ code: 'production', severity: 'danger', message: `${environment} is a production environment (Unleash type "${env.type}"): every user of ${feature} there sees the change.` });
    const same = after.enabled === env.enabled && after.rollout === beforeRollout && after.variant === beforeVariant;
    if (same) risks.push({ code: 'no-change', severity: 'info', message: `${feature} in ${environment} is already as asked; nothing will change.` });
    else risks.push({ code: 'flag-users', severity: 'warning', message: `Unleash SDKs pick the change up at their next poll (15 s by default)${users.length ? `: ${users.map((u) => u.name).join(', ')}` : ''}.` });
    const verbs = [
      enabled !== undefined ? (after.enabled ? 'switch on' : 'switch off') : null,
      rolloutPercentage !== undefined ? `roll out to ${rolloutPercentage}%` : null,
      variant !== undefined ? `serve variant ${variant} of` : null,
    ].filter((v): v is string => v !== null);
    return {
      summary: `${verbs.join(', ').replace(/^./, (c) => c.toUpperCase())} Unleash feature ${project}/${feature} in ${environment} at ${parseUnleashTarget(target.id).url} (${stateWords(env.enabled, beforeRollout, beforeVariant)} → ${stateWords(after.enabled, after.rollout, after.variant)}).`,
      changes,
      risks,
      action: { project, feature, environment, enabled: after.enabled, strategy: next, rollout: after.rollout, variant: after.variant, affected: users.map((u) => u.id) },
      fingerprint: featureFingerprint(live),
      verb: `${verbs[0] ?? 'change'} ${feature} in ${environment}`,
    };
  },
  async fingerprint(client, target) {
    const { project, feature } = parseUnleashTarget(target.id);
    return featureFingerprint(await readFeature(client, project, feature));
  },
  async execute(run, action) {
    const { project, feature, environment } = action;
    if (action.strategy) {
      await run.client.api.updateStrategy(project, feature, environment, action.strategy);
      run.report(`Strategy ${action.strategy.id} updated (rollout ${action.rollout ?? '—'}%, variant ${action.variant ?? 'split'}).`);
    }
    await run.client.api.setEnabled(project, feature, environment, action.enabled);
    run.report(`${feature} switched ${action.enabled ? 'on' : 'off'} in ${environment}.`);
  },
  verify(run, action) {
    return watchUntil(run, async () => {
      const live = await readFeature(run.client, action.project, action.feature);
      const env = environmentOf(live, action.environment);
      const strategy = rolloutStrategy(env);
      const now = { enabled: env.enabled, rollout: rolloutOf(strategy), variant: soleVariant(strategy) };
      const done = now.enabled === action.enabled && (action.strategy === null || (now.rollout === action.rollout && now.variant === action.variant));
      return { done, message: `Unleash reads back ${action.feature} in ${action.environment}: ${stateWords(now.enabled, now.rollout, now.variant)}.` };
    });
  },
  affected: (action) => action.affected,
};

/**
 * Each environment's on/off, rollout and sole variant: the plan goes stale when anyone changed
 * what it showed, in any environment (the person confirming saw them all), and not when an
 * SDK merely reported metrics.
 */
function featureFingerprint(feature: UnleashFeature): string {
  return feature.environments
    .map((env) => {
      const strategy = rolloutStrategy(env);
      return `${env.name}:${env.enabled ? 'on' : 'off'}/${rolloutOf(strategy) ?? '-'}/${soleVariant(strategy) ?? '-'}`;
    })
    .join(',');
}

async function readFeature(client: UnleashActor, project: string, feature: string): Promise<UnleashFeature> {
  const live = await client.api.feature(project, feature);
  if (!live) throw new ApiError('not_found', `Unleash at ${client.api.url} has no feature ${feature} in project ${project} (read live just now).`, 'target');
  return live;
}

function environmentOf(feature: UnleashFeature, environment: string): UnleashEnvironment {
  const env = feature.environments.find((e) => e.name === environment);
  if (!env) throw new ApiError('bad_request', `Feature ${feature.name} has no environment "${environment}"; it has ${feature.environments.map((e) => e.name).join(', ') || 'none'}.`, 'params.environment');
  return env;
}

function describeVariants(strategy: UnleashStrategy): string {
  return strategy.variants.map((v) => `${v.name} ${v.weightType === 'fix' ? `${v.weight / 10}%` : 'variable'}`).join(', ') || 'none';
}

function stateWords(enabled: boolean, rollout: number | null, variant: string | null): string {
  return [enabled ? 'on' : 'off', rollout === null ? null : `${rollout}%`, variant ? `variant ${variant}` : null].filter(Boolean).join(', ');
}
