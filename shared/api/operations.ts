import { z } from 'zod';
import { NoParams, mutation, query, topic } from './define.js';

/**
 * Operations with guardrails: plan → confirm → execute → verify → record
 * (docs/architecture.md, "Operations"). Every method that can change a cluster, or that
 * records a plan, is a `mutation`, so a host started --read-only refuses all of them.
 */

/** An entity id as the estate spells it (shared/estate/ids.ts): k8s:<cluster>/<namespace>/<Kind>/<name> or k8s:<cluster>/Node/<name>. */
const EntityId = z.string().min(5).max(600).startsWith('k8s:', 'Operations act on Kubernetes entities (ids start with "k8s:").');

const replicas = z.number().int().min(0).max(10_000);
const seconds = (max: number) => z.number().int().min(0).max(max);

export const OperationKind = z.enum([
  'scale',
  'hpa-range',
  'rollback',
  'restart',
  'pause',
  'resume',
  'cordon',
  'uncordon',
  'drain',
  'delete-pod',
  'pagerduty-acknowledge',
  'pagerduty-resolve',
  'pagerduty-reassign',
  'silence',
  'expire-silence',
  'traffic-split',
  'openfeature-flag',
  'unleash-flag',
]);
export type OperationKind = z.infer<typeof OperationKind>;

/** Kinds that act on a PagerDuty incident rather than a Kubernetes object. */
export const pagerDutyOperationKinds = ['pagerduty-acknowledge', 'pagerduty-resolve', 'pagerduty-reassign'] as const;
export type PagerDutyOperationKind = (typeof pagerDutyOperationKinds)[number];

/**
 * A PagerDuty incident as an operation target: `pagerduty:<server>/incidents/<id>`, where
 * `pagerduty:<server>` is the PagerDuty source's id (shared/api/pagerduty.ts).
 */
export const PagerDutyIncidentTarget = z
  .string()
  .max(600)
  .regex(/^pagerduty:[^\s]+\/incidents\/[A-Z0-9]{2,32}$/, 'Expected pagerduty:<server>/incidents/<incident id>.');

/** Kinds that act on an Alertmanager: its silences (https://prometheus.io/docs/alerting/latest/alertmanager/#silences). */
export const alertmanagerOperationKinds = ['silence', 'expire-silence'] as const;
export type AlertmanagerOperationKind = (typeof alertmanagerOperationKinds)[number];

/** Kinds that act on an Unleash server through its Admin API. */
export const unleashOperationKinds = ['unleash-flag'] as const;
export type UnleashOperationKind = (typeof unleashOperationKinds)[number];

/** Every kind that acts on a system other than Kubernetes. */
export type ExternalOperationKind = PagerDutyOperationKind | AlertmanagerOperationKind | UnleashOperationKind;

/**
 * An Unleash feature as an operation target: `unleash:<base URL>/projects/<project>/features/<feature>`,
 * where `unleash:<base URL>` names the connection configured in Settings. Unleash's own rules
 * for names (URL-friendly: letters, digits, `-`, `_`, `.`, `~`) keep the id readable by counting segments.
 */
export const UnleashFeatureTarget = z
  .string()
  .max(600)
  .regex(/^unleash:https?:\/\/[^\s]+\/projects\/[A-Za-z0-9_.~-]{1,100}\/features\/[A-Za-z0-9_.~-]{1,100}$/, 'Expected unleash:<base URL>/projects/<project>/features/<feature>.');

/** A flag key inside an OpenFeature FeatureFlag resource (flagd's flag keys). */
const FlagKey = z.string().min(1).max(253).regex(/^[A-Za-z0-9_.:/-]+$/, 'Expected a flag key (letters, digits, "_", ".", ":", "/" and "-").');
/** A variant's name, in flagd or Unleash. */
const VariantName = z.string().min(1).max(100).regex(/^[\p{L}\p{N}\p{P}\p{S} ]+$/u, 'A variant name is letters, digits, punctuation and spaces.');
/** An Unleash environment name (URL-friendly, as Unleash requires). */
const UnleashEnvironment = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.~-]+$/, 'Expected an Unleash environment name.');

/** An Alertmanager as an operation target: its source id, `alertmanager:<base URL>`. */
export const AlertmanagerTarget = z
  .string()
  .max(600)
  .regex(/^alertmanager:https?:\/\/[^\s]+$/, 'Expected alertmanager:<base URL>, the Alertmanager source id.');

/** One silence matcher, as Alertmanager's API v2 spells it. */
export const SilenceMatcher = z
  .object({
    name: z.string().min(1).max(200),
    value: z.string().max(1000),
    isRegex: z.boolean().default(false),
    /** false: the label must not equal (or match) the value. */
    isEqual: z.boolean().default(true),
  })
  .strict();
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

/** A PagerDuty user id (P and upper-case letters and digits). */
const PagerDutyUserId = z.string().regex(/^[A-Z0-9]{2,32}$/, 'Expected a PagerDuty user id such as PXPGF42.');

/** Parameters each kind takes; unknown keys are refused so a typo never silently does nothing. */
export const operationParams = {
  scale: z.object({ replicas }).strict(),
  'hpa-range': z
    .object({ minReplicas: replicas.min(1), maxReplicas: replicas.min(1) })
    .strict()
    .refine((p) => p.minReplicas <= p.maxReplicas, { message: 'minReplicas must not exceed maxReplicas.', path: ['minReplicas'] }),
  rollback: z.object({ revision: z.number().int().min(1) }).strict(),
  restart: z.object({}).strict(),
  pause: z.object({}).strict(),
  resume: z.object({}).strict(),
  cordon: z.object({}).strict(),
  uncordon: z.object({}).strict(),
  drain: z
    .object({
      /** Passed to each eviction; omitted means each pod's own terminationGracePeriodSeconds. */
      gracePeriodSeconds: seconds(3600).optional(),
      /** How long to keep retrying evictions a PodDisruptionBudget refuses (429). */
      timeoutSeconds: seconds(3600).optional(),
    })
    .strict(),
  'delete-pod': z.object({}).strict(),
  'pagerduty-acknowledge': z.object({}).strict(),
  'pagerduty-resolve': z.object({}).strict(),
  /** Who the incident goes to; PagerDuty replaces the assignments with exactly these users. */
  'pagerduty-reassign': z.object({ assignees: z.array(PagerDutyUserId).min(1).max(10) }).strict(),
  silence: z
    .object({
      // An equality matcher keeps a silence from swallowing every alert (Alertmanager refuses all-empty matchers too).
      matchers: z.array(SilenceMatcher).min(1).max(20),
      /** From when it is created; at most a week, so a forgotten silence ends. */
      durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
      comment: z.string().trim().min(1).max(1000),
    })
    .strict(),
  'expire-silence': z.object({ silenceId: z.string().regex(/^[0-9a-f-]{8,64}$/i, 'Expected an Alertmanager silence id.') }).strict(),
  /**
   * Move traffic between a route's backends: an HTTPRoute rule's backendRefs weights, or an
   * NGINX canary Ingress pair's canary-weight (target either Ingress of the pair). Either the
   * new weights by Service (a backend left out keeps its weight), or `allToStable`: everything
   * to the stable backend (shared/traffic/traffic-split.ts says which that is).
   */
  'traffic-split': z
    .object({
      /** The HTTPRoute rule, by index; 0 when omitted. Ignored for Ingresses. */
      rule: z.number().int().min(0).max(63).optional(),
      weights: z
        .array(z.object({ service: z.string().min(1).max(253), weight: z.number().int().min(0).max(1_000_000) }).strict())
        .min(1)
        .max(16)
        .optional(),
      allToStable: z.literal(true).optional(),
    })
    .strict()
    .refine((p) => (p.weights === undefined) !== (p.allToStable === undefined), { message: 'Give either weights or allToStable, not both.', path: ['weights'] }),
  /** One flag of an OpenFeature FeatureFlag resource: switch it on or off, or change its default variant. */
  'openfeature-flag': z
    .object({ flag: FlagKey, state: z.enum(['ENABLED', 'DISABLED']).optional(), defaultVariant: VariantName.optional() })
    .strict()
    .refine((p) => p.state !== undefined || p.defaultVariant !== undefined, { message: 'Say what to change: state, defaultVariant or both.', path: ['state'] }),
  /**
   * An Unleash feature in one environment: switch it on or off, set its flexibleRollout
   * percentage, or make one of its variants the one everybody gets.
   */
  'unleash-flag': z
    .object({
      environment: UnleashEnvironment,
      enabled: z.boolean().optional(),
      rolloutPercentage: z.number().int().min(0).max(100).optional(),
      variant: VariantName.optional(),
    })
    .strict()
    .refine((p) => p.enabled !== undefined || p.rolloutPercentage !== undefined || p.variant !== undefined, {
      message: 'Say what to change: enabled, rolloutPercentage, variant, or several.',
      path: ['enabled'],
    }),
} satisfies Record<OperationKind, z.ZodType>;

export type OperationParams<K extends OperationKind> = z.infer<(typeof operationParams)[K]>;

const request = <K extends OperationKind, S extends z.ZodType>(kind: K, params: S) =>
  z
    .object({
      kind: z.literal(kind),
      target: EntityId,
      params,
      /** When the target's source is not live: keep the plan as a draft instead of failing. */
      keepDraft: z.boolean().optional(),
      /**
       * The kubeconfig context to act through. Omitted: the first context reaching the target's
       * cluster whose user may do it (the plan says which it chose and as whom).
       */
      context: z.string().min(1).max(253).optional(),
    })
    .strict();

const incidentRequest = <K extends PagerDutyOperationKind, S extends z.ZodType>(kind: K, params: S) =>
  z.object({ kind: z.literal(kind), target: PagerDutyIncidentTarget, params, keepDraft: z.boolean().optional() }).strict();

const alertmanagerRequest = <K extends AlertmanagerOperationKind, S extends z.ZodType>(kind: K, params: S) =>
  z.object({ kind: z.literal(kind), target: AlertmanagerTarget, params, keepDraft: z.boolean().optional() }).strict();

const unleashRequest = <K extends UnleashOperationKind, S extends z.ZodType>(kind: K, params: S) =>
  z.object({ kind: z.literal(kind), target: UnleashFeatureTarget, params, keepDraft: z.boolean().optional() }).strict();

const none = <S extends z.ZodObject>(schema: S) => schema.optional().transform((value) => value ?? ({} as z.output<S>));

export const PlanRequest = z.discriminatedUnion('kind', [
  request('scale', operationParams.scale),
  request('hpa-range', operationParams['hpa-range']),
  request('rollback', operationParams.rollback),
  request('restart', none(operationParams.restart)),
  request('pause', none(operationParams.pause)),
  request('resume', none(operationParams.resume)),
  request('cordon', none(operationParams.cordon)),
  request('uncordon', none(operationParams.uncordon)),
  request('drain', none(operationParams.drain)),
  request('delete-pod', none(operationParams['delete-pod'])),
  incidentRequest('pagerduty-acknowledge', none(operationParams['pagerduty-acknowledge'])),
  incidentRequest('pagerduty-resolve', none(operationParams['pagerduty-resolve'])),
  incidentRequest('pagerduty-reassign', operationParams['pagerduty-reassign']),
  alertmanagerRequest('silence', operationParams.silence),
  alertmanagerRequest('expire-silence', operationParams['expire-silence']),
  request('traffic-split', operationParams['traffic-split']),
  request('openfeature-flag', operationParams['openfeature-flag']),
  unleashRequest('unleash-flag', operationParams['unleash-flag']),
]);
export type PlanRequest = z.infer<typeof PlanRequest>;

/** One line of the before → after diff, already in words a person reads. */
export const DiffLine = z.object({
  field: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type DiffLine = z.infer<typeof DiffLine>;

export const Diff = z.object({
  /** One sentence: "Scale Deployment shop/web from 3 to 5 replicas." */
  summary: z.string(),
  changes: z.array(DiffLine),
});
export type Diff = z.infer<typeof Diff>;

export const RiskCode = z.enum([
  'production',
  'scale-to-zero',
  'last-replica',
  'pdb-violation',
  'rollout-in-progress',
  'hpa-override',
  'rollout-paused',
  'unmanaged-pod',
  'no-change',
  'pages-someone',
  'unhealthy-backend',
  'flag-users',
]);
export type RiskCode = z.infer<typeof RiskCode>;

export const RiskSeverity = z.enum(['info', 'warning', 'danger']);
export type RiskSeverity = z.infer<typeof RiskSeverity>;

export const Risk = z.object({ code: RiskCode, severity: RiskSeverity, message: z.string() });
export type Risk = z.infer<typeof Risk>;

/**
 * What a person must do before the plan runs. Guardrails grow with blast radius: most plans
 * need an acknowledgement (send `expected`, which is "confirm"); production contexts and
 * dangerous plans need the target's name typed.
 */
export const Confirmation = z.object({
  level: z.enum(['acknowledge', 'type-name']),
  prompt: z.string(),
  expected: z.string(),
});
export type Confirmation = z.infer<typeof Confirmation>;

export const PlanState = z.enum(['ready', 'draft', 'executed', 'replanned', 'expired']);
export type PlanState = z.infer<typeof PlanState>;

export const Plan = z.object({
  id: z.string(),
  kind: OperationKind,
  target: z.string(),
  /** The target's name alone, for prompts ("web", "node-3"). */
  targetName: z.string(),
  context: z.string(),
  namespace: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  state: PlanState,
  /** For a draft: why it could not be planned against live state. */
  draftReason: z.string().nullable(),
  diff: Diff,
  risks: z.array(Risk),
  confirmation: Confirmation,
  /** Who the operation acts as: the kubeconfig user, or for PagerDuty the email sent as `From`. */
  actingAs: z.string().nullable(),
  /** The server-side dry run accepted the change (false for drafts). */
  dryRunPassed: z.boolean(),
  createdAt: z.number(),
  /** After this, the plan must be re-planned: live state may have moved on. */
  expiresAt: z.number(),
});
export type Plan = z.infer<typeof Plan>;

/**
 * 'unverified': the change was applied, but Daytwo stopped before verifying it and could not
 * verify it when it started again (issue 10): what is known, neither success nor failure.
 */
export const OperationState = z.enum(['executing', 'verifying', 'succeeded', 'failed', 'timed-out', 'unverified']);
export type OperationState = z.infer<typeof OperationState>;
export const terminalOperationStates: readonly OperationState[] = ['succeeded', 'failed', 'timed-out', 'unverified'];

export const ProgressStep = z.object({ at: z.number(), message: z.string() });

export const Operation = z.object({
  id: z.string(),
  planId: z.string(),
  kind: OperationKind,
  target: z.string(),
  state: OperationState,
  /** The latest word on progress: "2 of 5 replicas ready", "evicted 3 of 7 pods". */
  progress: z.string(),
  /** 0..1 when it can be measured. */
  fraction: z.number().min(0).max(1).nullable(),
  steps: z.array(ProgressStep),
  /** Why it failed or timed out; how it converged when it succeeded. */
  outcome: z.string().nullable(),
  startedAt: z.number(),
  executedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** When verification gives up and reports timed-out. */
  deadline: z.number(),
  /** Sequence number of its audit entry, once recorded. */
  auditSeq: z.number().nullable(),
});
export type Operation = z.infer<typeof Operation>;

export const Revision = z.object({
  revision: z.number(),
  images: z.array(z.string()),
  changeCause: z.string().nullable(),
  createdAt: z.number().nullable(),
  current: z.boolean(),
  replicaSet: z.string(),
});
export type Revision = z.infer<typeof Revision>;

/** Which operations apply to an estate entity kind (the UI offers exactly these). */
export const operationsForEntityKind: Record<string, readonly OperationKind[]> = {
  deployment: ['scale', 'rollback', 'restart', 'pause', 'resume'],
  statefulset: ['scale', 'restart'],
  hpa: ['hpa-range'],
  node: ['cordon', 'uncordon', 'drain'],
  pod: ['delete-pod'],
};

export const operationTitles: Record<OperationKind, string> = {
  scale: 'Scale',
  'hpa-range': 'Change autoscaler range',
  rollback: 'Roll back',
  restart: 'Rollout restart',
  pause: 'Pause rollout',
  resume: 'Resume rollout',
  cordon: 'Cordon',
  uncordon: 'Uncordon',
  drain: 'Drain',
  'delete-pod': 'Delete pod',
  'pagerduty-acknowledge': 'Acknowledge PagerDuty incident',
  'pagerduty-resolve': 'Resolve PagerDuty incident',
  'pagerduty-reassign': 'Reassign PagerDuty incident',
  silence: 'Silence alerts',
  'expire-silence': 'Expire silence',
  'traffic-split': 'Shift traffic',
  'openfeature-flag': 'Change feature flag',
  'unleash-flag': 'Change Unleash feature',
};

export const operationMethods = {
  'operations.plan': mutation(
    'Plan an operation against live state: permission, dry run, diff, risks and the confirmation it needs.',
    PlanRequest,
    z.object({ plan: Plan }),
  ),
  'operations.replan': mutation(
    'Plan again against live state (a draft, or a plan that expired); returns a new plan.',
    z.object({ planId: z.string().min(1).max(100) }).strict(),
    z.object({ plan: Plan }),
  ),
  'operations.execute': mutation(
    'Execute a confirmed plan. The plan id is the idempotency key: executing it again returns the same operation.',
    z
      .object({
        planId: z.string().min(1).max(100),
        confirmation: z.string().max(300),
        /** Answer only when the operation has converged, failed or timed out. */
        wait: z.boolean().optional(),
      })
      .strict(),
    z.object({ operation: Operation }),
  ),
  'operations.get': query('One operation and its progress.', z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ operation: Operation })),
  'operations.getPlan': query('One plan.', z.object({ id: z.string().min(1).max(100) }).strict(), z.object({ plan: Plan })),
  'operations.list': query(
    'Drafts waiting for their source, and recent operations.',
    NoParams,
    z.object({ drafts: z.array(Plan), operations: z.array(Operation) }),
  ),
  'operations.history': query(
    "A Deployment's revisions (read live), newest first, for choosing what to roll back to.",
    z.object({ target: EntityId }).strict(),
    z.object({ revisions: z.array(Revision) }),
  ),
};

export const operationTopics = {
  'operations.watch': topic(
    'An operation, pushed on every progress step until it ends.',
    z.object({ id: z.string().min(1).max(100) }).strict(),
    z.object({ operation: Operation }),
  ),
};
