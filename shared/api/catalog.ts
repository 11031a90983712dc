import { z } from 'zod';
import { query } from './define.js';
import { OperationKind } from './operations.js';

/**
 * The service catalog and production-readiness scorecards (issue 16). Services are assembled
 * from the live estate and enriched from Backstage catalog-info.yaml folders; scorecards are
 * rules (resources/scorecards/default.yaml, or the user's file) evaluated against live state.
 * Method names are fixed by the issue.
 */

const EpochMs = z.number().int().min(0);

/** Where a problem in a file is: what a person opens in an editor. */
export const FileProblem = z.object({
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  message: z.string(),
});
export type FileProblem = z.infer<typeof FileProblem>;

export const CatalogLink = z.object({ title: z.string(), url: z.string() });
export type CatalogLink = z.infer<typeof CatalogLink>;

export const CatalogWorkload = z.object({
  /** The estate entity id (k8s:<cluster>/<ns>/<Kind>/<name>). */
  id: z.string(),
  kind: z.string(),
  cluster: z.string(),
  cloud: z.string().nullable(),
  namespace: z.string(),
  name: z.string(),
  replicas: z.number().nullable(),
  readyReplicas: z.number().nullable(),
  production: z.boolean(),
});
export type CatalogWorkload = z.infer<typeof CatalogWorkload>;

/** Where the catalog's declaration of a service came from. */
export const Declaration = z.object({ entityRef: z.string(), file: z.string(), line: z.number().int().min(1) });

export const CatalogService = z.object({
  /** The service's key: app.kubernetes.io/instance, else name, else the workload's own name. */
  id: z.string(),
  name: z.string(),
  /** app.kubernetes.io/part-of, or the catalog's spec.system. */
  system: z.string().nullable(),
  team: z.string().nullable(),
  owner: z.string().nullable(),
  /** Where the owner came from: a label, an annotation, or the catalog-info file. */
  ownerFrom: z.string().nullable(),
  tier: z.string().nullable(),
  lifecycle: z.string().nullable(),
  /** PagerDuty service id from `pagerduty.com/service-id`. */
  onCall: z.string().nullable(),
  links: z.array(CatalogLink),
  runbooks: z.array(CatalogLink),
  workloads: z.array(CatalogWorkload),
  clusters: z.array(z.string()),
  declared: Declaration.nullable(),
  /** The catalog-info.yaml's `daytwo.io/feature-flags` annotation: flags every workload of the service uses. */
  featureFlags: z.string().nullable().optional(),
});
export type CatalogService = z.infer<typeof CatalogService>;

/** Where the catalog and the clusters disagree, said both ways. */
export const CatalogMismatch = z.object({
  kind: z.enum(['declared-without-workload', 'workload-without-owner']),
  /** The Backstage entity ref ("component:default/gift-cards") or the service id. */
  subject: z.string(),
  message: z.string(),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  workloadIds: z.array(z.string()),
});
export type CatalogMismatch = z.infer<typeof CatalogMismatch>;

export const Level = z.string().min(1).max(40);

export const Evidence = z.object({
  /** The entity id of the object the rule read, or the file that was read. */
  object: z.string(),
  /** The field, as a path a person finds in `kubectl get -o yaml`: spec.replicas. */
  field: z.string(),
  value: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A fix an existing operation makes: the renderer plans it through operations.plan. */
export const OfferedFix = z.object({
  kind: OperationKind,
  target: z.string(),
  params: z.record(z.string(), z.number()),
  title: z.string(),
});
export type OfferedFix = z.infer<typeof OfferedFix>;

export const RuleResult = z.object({
  ruleId: z.string(),
  title: z.string(),
  level: Level,
  status: z.enum(['pass', 'fail', 'not-applicable']),
  /** Why, in words. */
  message: z.string(),
  evidence: z.array(Evidence),
  /** What to change, when failing: the field of the object, or the operation below. */
  change: z.string().nullable(),
  fix: OfferedFix.nullable(),
});
export type RuleResult = z.infer<typeof RuleResult>;

export const Scorecard = z.object({
  service: z.string(),
  /** The highest level whose rules, and every lower level's, all pass; null below the first. */
  level: Level.nullable(),
  results: z.array(RuleResult),
  evaluatedAt: EpochMs,
  /** True when this came from the cache because the sources behind the service are not live. */
  stale: z.boolean(),
});
export type Scorecard = z.infer<typeof Scorecard>;

export const ScorecardRule = z.object({
  id: z.string(),
  title: z.string(),
  level: Level,
  check: z.string(),
  description: z.string(),
});
export type ScorecardRule = z.infer<typeof ScorecardRule>;

export const Team = z.object({
  name: z.string(),
  services: z.array(z.string()),
  /** Services per level (key "none" for those below the first level). */
  levels: z.record(z.string(), z.number().int()),
  failingRules: z.number().int(),
});
export type Team = z.infer<typeof Team>;

export const HistoryEntry = z.object({
  at: EpochMs,
  level: Level.nullable(),
  passed: z.number().int(),
  failed: z.number().int(),
  failing: z.array(z.string()),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

const ServiceId = z.string().min(1).max(300);

export const catalogMethods = {
  'catalog.list': query(
    'Services assembled from the estate and the catalog-info folders, with their levels, and where the two disagree',
    z.object({}).strict(),
    z.object({
      services: z.array(CatalogService.extend({ level: Level.nullable(), failing: z.array(z.string()) })),
      mismatches: z.array(CatalogMismatch),
      problems: z.array(FileProblem),
      levels: z.array(Level),
      asOf: EpochMs,
      stale: z.boolean(),
    }),
  ),
  'catalog.get': query(
    'One service: owner, on-call, links, runbooks, workloads and its scorecard',
    z.object({ id: ServiceId }).strict(),
    z.object({ service: CatalogService, scorecard: Scorecard.nullable() }),
  ),
  'catalog.teams': query(
    'Teams and the services each owns, rolled up by level',
    z.object({}).strict(),
    z.object({ teams: z.array(Team) }),
  ),
  'scorecards.rules': query(
    'The scorecard rules in force, their levels, and the problems of the rules file',
    z.object({}).strict(),
    z.object({ rules: z.array(ScorecardRule), levels: z.array(Level), file: z.string(), problems: z.array(FileProblem) }),
  ),
  'scorecards.evaluate': query(
    'Scorecards now: one service, or every service when none is named',
    z.object({ service: ServiceId.optional() }).strict(),
    z.object({ scorecards: z.array(Scorecard), asOf: EpochMs }),
  ),
  'scorecards.history': query(
    'How a service scored over time: one entry each time its level or failing rules changed',
    z.object({ service: ServiceId, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    z.object({ entries: z.array(HistoryEntry) }),
  ),
};
