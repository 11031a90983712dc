import type { AlertmanagerOperationKind, ExternalOperationKind, OperationKind, PagerDutyOperationKind, UnleashOperationKind } from '../../../shared/api/operations.js';
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
import { pagerdutyAcknowledge } from './kinds/pagerduty-acknowledge.js';
import { pagerdutyReassign } from './kinds/pagerduty-reassign.js';
import { pagerdutyResolve } from './kinds/pagerduty-resolve.js';
import { openfeatureFlag } from './kinds/openfeature-flag.js';

export type KubernetesOperationKind = Exclude<OperationKind, ExternalOperationKind>;

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

/**
 * A module's action type is private to it: the service only stores the action the module's
 * plan produced and hands that same value back to its execute and verify.
 */
function eraseExternal<K extends ExternalOperationKind, C, A>(module: ExternalOperationModule<K, C, A>): ExternalOperationModule<K, C, unknown> {
  return module as unknown as ExternalOperationModule<K, C, unknown>;
}

function erase<K extends KubernetesOperationKind, A>(module: OperationModule<K, A>): OperationModule<K, unknown> {
  return module as unknown as OperationModule<K, unknown>;
}
