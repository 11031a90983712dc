import type { z } from 'zod';
import { appMethods } from './app.js';
import { sourceMethods, sourceTopics } from './sources.js';
import { estateMethods, estateTopics, overviewEstateMethods, packedEstateMethods } from './estate.js';
import { operationMethods, operationTopics } from './operations.js';
import { auditMethods } from './audit.js';
import { metricsMethods } from './metrics.js';
import { incidentMethods, incidentTopics } from './incidents.js';
import { pagerdutyMethods } from './pagerduty.js';
import { runbookMethods, runbookTopics } from './runbooks.js';
import { logTopics } from './logs.js';
import { objectMethods } from './objects.js';
import { catalogMethods } from './catalog.js';
import { screenMethods } from './screens.js';
import { drillMethods, drillTopics } from './drills.js';
import { upgradeMethods } from './upgrades.js';
import { trafficMethods } from './traffic.js';
import { flagMethods } from './flags.js';
import type { MethodSpec, TopicSpec } from './define.js';

/**
 * The API, declared once. The engine's router validates against these schemas; the
 * renderer's client is typed from them. Add a domain by spreading its methods here.
 */
export const methods = {
  ...appMethods,
  ...sourceMethods,
  ...estateMethods,
  ...packedEstateMethods,
  ...overviewEstateMethods,
  ...operationMethods,
  ...auditMethods,
  ...metricsMethods,
  ...incidentMethods,
  ...pagerdutyMethods,
  ...runbookMethods,
  ...objectMethods,
  ...catalogMethods,
  ...screenMethods,
  ...drillMethods,
  ...upgradeMethods,
  ...trafficMethods,
  ...flagMethods,
} satisfies Record<string, MethodSpec>;

export const topics = {
  ...sourceTopics,
  ...estateTopics,
  ...operationTopics,
  ...incidentTopics,
  ...runbookTopics,
  ...logTopics,
  ...drillTopics,
} satisfies Record<string, TopicSpec>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller sends (defaults may be left out). */
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives: the parameters as the router parsed them, defaults applied. */
export type ParsedParams<M extends MethodName> = z.output<Methods[M]['params']>;
export type Result<M extends MethodName> = z.output<Methods[M]['result']>;

export type Topics = typeof topics;
export type TopicName = keyof Topics;
export type TopicParams<T extends TopicName> = z.input<Topics[T]['params']>;
export type ParsedTopicParams<T extends TopicName> = z.output<Topics[T]['params']>;
export type TopicMessage<T extends TopicName> = z.output<Topics[T]['message']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(topics, name);
}
