import type { z } from 'zod';
import { operationParams } from '../../../shared/api/operations.js';
import type { AlertmanagerOperationKind, ExternalOperationKind, OperationKind, OperationParams, PagerDutyOperationKind, PlanRequest, UnleashOperationKind } from '../../../shared/api/operations.js';
import { unleashFlag } from './kinds/unleash-flag.js';
import type { UnleashActor } from './kinds/unleash-flag.js';
import type { AlertmanagerActor } from '../providers/alertmanager/http-api.js';
import { expireSilence, silence } from './kinds/silence.js';
import type { PagerDutyClient } from '../providers/pagerduty/pagerduty-client.js';
import type { ExternalOperationModule } from './external-operation.js';
import type { OperationModule } from './operation.js';
import { cordon, uncordon } from './kinds/cordon.js';
import { deletePod } from './kinds/delete-pod.js';
import { drain } from './kinds/drain.js';
import { hpaRange } from './kinds/hpa-range.js';
import { pause, resume } from './kinds/pause.js';
import { restart } from './kinds/restart.js';
import { rollback } from './kinds/rollback.js';
import { scale } from './kinds/scale.js';
import { trafficSplit } from './kinds/traffic-split.js';
import { pagerdutyAcknowledge } from './kinds/pagerduty-acknowledge.js';
import { pagerdutyReassign } from './kinds/pagerduty-reassign.js';
import { pagerdutyResolve } from './kinds/pagerduty-resolve.js';
import { openfeatureFlag } from './kinds/openfeature-flag.js';

export type KubernetesOperationKind = Exclude<OperationKind, ExternalOperationKind>;

/** A plan request for a Kubernetes kind, as the router parsed it. */
export type KubernetesPlanRequest = Extract<PlanRequest, { kind: KubernetesOperationKind }>;
/** A plan request for PagerDuty or an Alertmanager, as the router parsed it. */
export type ExternalPlanRequest = Extract<PlanRequest, { kind: ExternalOperationKind }>;

/** Every operation Daytwo runs on Kubernetes, by kind. */
export const operationModules: { [K in KubernetesOperationKind]: OperationModule<K, unknown> } = {
  scale: erase(scale),
  'hpa-range': erase(hpaRange),
  rollback: erase(rollback),
  restart: erase(restart),
  pause: erase(pause),
  resume: erase(resume),
  cordon: erase(cordon),
  uncordon: erase(uncordon),
  drain: erase(drain),
  'delete-pod': erase(deletePod),
  'traffic-split': erase(trafficSplit),
  'openfeature-flag': erase(openfeatureFlag),
};

/** Every operation Daytwo runs on PagerDuty, by kind. */
export const pagerDutyModules: { [K in PagerDutyOperationKind]: ExternalOperationModule<K, PagerDutyClient, unknown> } = {
  'pagerduty-acknowledge': eraseExternal(pagerdutyAcknowledge),
  'pagerduty-resolve': eraseExternal(pagerdutyResolve),
  'pagerduty-reassign': eraseExternal(pagerdutyReassign),
};

export function isPagerDutyKind(kind: OperationKind): kind is PagerDutyOperationKind {
  return Object.hasOwn(pagerDutyModules, kind);
}

/** Every operation Daytwo runs on an Alertmanager, by kind. */
export const alertmanagerModules: { [K in AlertmanagerOperationKind]: ExternalOperationModule<K, AlertmanagerActor, unknown> } = {
  silence: eraseExternal(silence),
  'expire-silence': eraseExternal(expireSilence),
};

export function isAlertmanagerKind(kind: OperationKind): kind is AlertmanagerOperationKind {
  return Object.hasOwn(alertmanagerModules, kind);
}

/** Every operation Daytwo runs on an Unleash server, by kind. */
export const unleashModules: { [K in UnleashOperationKind]: ExternalOperationModule<K, UnleashActor, unknown> } = {
  'unleash-flag': eraseExternal(unleashFlag),
};

export function isUnleashKind(kind: OperationKind): kind is UnleashOperationKind {
  return Object.hasOwn(unleashModules, kind);
}

/** A kind that acts on a system other than Kubernetes (PagerDuty, Alertmanager, Unleash). */
export function isExternalKind(kind: OperationKind): kind is ExternalOperationKind {
  return isPagerDutyKind(kind) || isAlertmanagerKind(kind) || isUnleashKind(kind);
}

export function isKubernetesRequest(request: PlanRequest): request is KubernetesPlanRequest {
  return !isExternalKind(request.kind);
}

/**
 * A kind's module with that kind's parsed params, typed together: each module receives the
 * `z.output` of its own kind's schema, with no cast between them. `params` comes from the
 * router's parse (a plan request) or is parsed here again (a stored plan's params).
 */
export interface KubernetesStep<K extends KubernetesOperationKind = KubernetesOperationKind> {
  module: OperationModule<K, unknown>;
  params: OperationParams<K>;
}

export function kubernetesStep<K extends KubernetesOperationKind>(request: { kind: K; params: OperationParams<K> }): KubernetesStep<K> {
  return { module: operationModules[request.kind], params: request.params };
}

/** A stored plan's kind and params (JSON from the journal), parsed again by the kind's own schema. */
export function storedKubernetesStep<K extends KubernetesOperationKind>(kind: K, params: unknown): KubernetesStep<K> {
  return kubernetesStep<K>({ kind, params: parseParams(kind, params) });
}

/** Each kind's params schema, typed by kind, so a parse by a generic kind yields that kind's params. */
const paramsSchemas: { [K in OperationKind]: z.ZodType<OperationParams<K>> } = operationParams;

export function parseParams<K extends OperationKind>(kind: K, params: unknown): OperationParams<K> {
  return paramsSchemas[kind].parse(params);
}

/**
 * A module's action type is private to it: the service only stores the action the module's
 * plan produced and hands that same value back to its execute and verify, so a module with
 * any action type is held as one whose action is `unknown`.
 */
function eraseExternal<K extends ExternalOperationKind, C, A>(module: ExternalOperationModule<K, C, A>): ExternalOperationModule<K, C, unknown> {
  return module;
}

function erase<K extends KubernetesOperationKind, A>(module: OperationModule<K, A>): OperationModule<K, unknown> {
  return module;
}
