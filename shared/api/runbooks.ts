import { z } from 'zod';
import { NoParams, mutation, query, topic } from './define.js';
import { OperationKind, Plan } from './operations.js';

/**
 * Guided runbooks (issue 12): Markdown with YAML front matter and typed fenced steps, and runs
 * of them that are stored durably and resumed. Method names are fixed by the issue.
 * The format is described in resources/runbooks/README.md.
 */

const EpochMs = z.number().int().min(0);

export const ParameterType = z.enum(['string', 'number', 'context', 'namespace', 'deployment', 'service', 'cluster', 'node', 'entity']);
export type ParameterType = z.infer<typeof ParameterType>;

export const RunbookParameter = z
  .object({
    type: ParameterType.default('string'),
    description: z.string().max(500).optional(),
    default: z.union([z.string().max(500), z.number()]).optional(),
  })
  .strict();
export type RunbookParameter = z.infer<typeof RunbookParameter>;

/** What a runbook answers: alerts by name and label selector, entities by kind and label selector (kubectl's -l grammar, shared/estate/label-selector.ts). */
export const RunbookAnswers = z
  .object({
    alerts: z.array(z.object({ name: z.string().min(1).max(200), labels: z.string().max(1000).default('') }).strict()).max(50).default([]),
    entities: z.array(z.object({ kind: z.string().min(1).max(60), selector: z.string().max(1000).default('') }).strict()).max(50).default([]),
  })
  .strict();
export type RunbookAnswers = z.infer<typeof RunbookAnswers>;

export const RunbookFrontMatter = z
  .object({
    title: z.string().trim().min(1).max(300),
    answers: RunbookAnswers.default({ alerts: [], entities: [] }),
    parameters: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a parameter name is letters, digits and _'), RunbookParameter)
      .default({}),
  })
  .strict();
export type RunbookFrontMatter = z.infer<typeof RunbookFrontMatter>;

export const Comparison = z.enum(['<', '<=', '>', '>=', '==', '!=']);
export type Comparison = z.infer<typeof Comparison>;

const StepId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a step id is lower-case letters, digits and -, like "check-errors"');
/** Text with {{parameter}} placeholders, filled from the run's parameters when the step is reached. */
const Template = z.string().min(1).max(4000);

const stepBase = { id: StepId, title: Template };

export const ManualStep = z.object({ type: z.literal('manual'), ...stepBase, evidence: z.boolean().default(false) }).strict();

/** A check: a PromQL instant query, a CloudWatch metric, or an estate condition, compared with a threshold. */
export const CheckStep = z
  .object({
    type: z.literal('check'),
    ...stepBase,
    promql: Template.optional(),
    /**
     * Estate conditions Daytwo can evaluate from its model: the ratio of ready replicas of the
     * entity, its restarts, or (for a cluster or namespace) how many Deployments and StatefulSets
     * under it have fewer ready replicas than desired.
     */
    estate: z.object({ entity: Template, measure: z.enum(['ready-ratio', 'restarts', 'unready-workloads']) }).strict().optional(),
    /**
     * A CloudWatch metric (GetMetricData's MetricStat), read through the engine's metrics path:
     * the latest period's statistic is compared. `region` picks the AWS source when several are
     * configured (the first enabled one otherwise).
     */
    cloudwatch: z
      .object({
        namespace: Template,
        metric: Template,
        dimensions: z.record(z.string().min(1).max(255), Template).refine((d) => Object.keys(d).length <= 30, 'CloudWatch allows at most 30 dimensions').default({}),
        stat: z.string().regex(/^(Sum|Average|Maximum|Minimum|SampleCount|p\d{1,2}(\.\d+)?)$/, 'a statistic is Sum, Average, Maximum, Minimum, SampleCount or a percentile like p99'),
        region: Template.optional(),
      })
      .strict()
      .optional(),
    /** "< 0.02", ">= {{threshold}}". */
    expect: Template,
    /** A small chart: the same PromQL over this many minutes. */
    chartMinutes: z.number().int().min(1).max(1440).default(15),
  })
  .strict()
  .refine((s) => [s.promql, s.estate, s.cloudwatch].filter((x) => x !== undefined).length === 1, { message: 'a check has exactly one of promql, cloudwatch or estate', path: ['promql'] });

export const ActionStep = z
  .object({
    type: z.literal('action'),
    ...stepBase,
    operation: OperationKind,
    /** The entity id to act on, templated: "k8s:{{context}}/{{namespace}}/Deployment/{{deployment}}". */
    target: Template,
    /** The operation's parameters; string values are templated, and a whole-value "{{x}}" keeps x's type. */
    params: z.record(z.string(), z.union([z.string().max(4000), z.number()])).default({}),
  })
  .strict();

export const BranchStep = z
  .object({
    type: z.literal('branch'),
    ...stepBase,
    /** Branch on a check's last result (pass/fail), or on a person's answer to `question`. */
    check: StepId.optional(),
    question: Template.optional(),
    /** Outcome (pass, fail, or an answer) → the step to go to. */
    goto: z.record(z.string().min(1).max(100), StepId),
  })
  .strict()
  .refine((s) => (s.check === undefined) !== (s.question === undefined), { message: 'a branch has exactly one of check or question', path: ['check'] });

export const ApprovalStep = z
  .object({
    type: z.literal('approval'),
    ...stepBase,
    /** The action step the approval gates; the approver must be allowed to perform it. */
    gates: StepId,
  })
  .strict();

/**
 * A loop over a list: each time the run reaches it, the next item of `over` (the filled text,
 * split at commas and white space) is bound to the name `as` and the run goes on to the next
 * step; a later branch (or the last step of the loop) comes back here. With every item done,
 * the run goes to `done`. The items handed out are in the step's records, so a resumed run
 * continues with the item it was on.
 */
export const ForeachStep = z
  .object({
    type: z.literal('foreach'),
    ...stepBase,
    over: Template,
    as: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name like "node"'),
    done: StepId,
  })
  .strict();

export const RunbookStep = z.discriminatedUnion('type', [ManualStep, CheckStep, ActionStep, BranchStep, ApprovalStep, ForeachStep]);
export type RunbookStep = z.infer<typeof RunbookStep>;
export const StepType = z.enum(['manual', 'check', 'action', 'branch', 'approval', 'foreach']);
export type StepType = z.infer<typeof StepType>;

export const Runbook = z.object({
  /** The file's name without .md, unique across sources (the first source to define it wins). */
  id: z.string(),
  title: z.string(),
  /** Where it was read from: `bundled`, a folder given with --runbooks, or a URL. */
  origin: z.string(),
  path: z.string(),
  /** SHA-256 of the file's bytes: a run keeps the version it started with. */
  hash: z.string(),
  answers: RunbookAnswers,
  parameters: z.record(z.string(), RunbookParameter),
  steps: z.array(RunbookStep),
  /** The Markdown as written (front matter removed), for rendering as text-only Markdown. */
  markdown: z.string(),
});
export type Runbook = z.infer<typeof Runbook>;

export const RunbookSummary = Runbook.pick({ id: true, title: true, origin: true, hash: true, answers: true });
export type RunbookSummary = z.infer<typeof RunbookSummary>;

/** A file that was refused, with where and what. */
export const RunbookProblem = z.object({ file: z.string(), line: z.number(), column: z.number(), message: z.string() });
export type RunbookProblem = z.infer<typeof RunbookProblem>;

export const StepState = z.enum(['pending', 'current', 'done', 'failed', 'skipped', 'waiting']);
export type StepState = z.infer<typeof StepState>;

/** What a step produced: each attempt, with who, when, inputs and outputs. */
export const StepRecord = z.object({
  at: EpochMs,
  by: z.string(),
  what: z.enum(['reached', 'completed', 'answered', 'skipped', 'checked', 'planned', 'drafted', 'replanned', 'executed', 'approved', 'refused']),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const CheckResult = z.object({
  value: z.number().nullable(),
  expect: z.string(),
  passed: z.boolean(),
  /** Evaluated from cached data with the source not live: how old. */
  stale: z.boolean(),
  ageMs: z.number().nullable(),
  query: z.string(),
  /** The same query over the last minutes, for a small chart. */
  points: z.array(z.tuple([EpochMs, z.number().nullable()])),
  /** Why there is no value (no data, no Prometheus source, a query error). */
  note: z.string().nullable(),
  at: EpochMs,
});
export type CheckResult = z.infer<typeof CheckResult>;

export const RunStep = z.object({
  id: z.string(),
  type: StepType,
  /** The title with the run's parameters filled in. */
  title: z.string(),
  state: StepState,
  check: CheckResult.nullable(),
  /** For an action: its current plan (a draft while offline) and the operation once executed. */
  planId: z.string().nullable(),
  operationId: z.string().nullable(),
  /** For a branch on a question: the answers it offers. */
  answers: z.array(z.string()).default([]),
  records: z.array(StepRecord),
});
export type RunStep = z.infer<typeof RunStep>;

export const RunState = z.enum(['running', 'finished', 'abandoned']);

export const Run = z.object({
  id: z.string(),
  runbookId: z.string(),
  runbookTitle: z.string(),
  /** The version it started with: the run follows this text even if the file changes. */
  runbookHash: z.string(),
  parameters: z.record(z.string(), z.union([z.string(), z.number()])),
  incidentId: z.string().nullable(),
  state: RunState,
  /** Index into steps of the step the run is on. */
  current: z.number().int(),
  steps: z.array(RunStep),
  startedBy: z.string(),
  startedAt: EpochMs,
  updatedAt: EpochMs,
});
export type Run = z.infer<typeof Run>;

export const Offer = z.object({
  runbook: RunbookSummary,
  /** Parameters filled from the alert's labels and the estate. */
  parameters: z.record(z.string(), z.union([z.string(), z.number()])),
  /** Parameters nothing could fill: the person is asked. */
  missing: z.array(z.string()),
});
export type Offer = z.infer<typeof Offer>;

/** An alert's runbook_url: runnable when in Daytwo's format (runbookId), read-only text otherwise. */
export const ExternalRunbook = z.object({
  url: z.string(),
  runbookId: z.string().nullable(),
  markdown: z.string(),
  fetchedAt: EpochMs,
  /** Served from the offline copy. */
  stale: z.boolean(),
  ageMs: z.number().nullable(),
  note: z.string().nullable(),
  /** Why it is not runnable, when it is not. */
  problems: z.array(RunbookProblem),
});
export type ExternalRunbook = z.infer<typeof ExternalRunbook>;

const RunbookId = z.string().min(1).max(200);
const RunId = z.string().min(1).max(100);

export const StepParams = z.discriminatedUnion('action', [
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('complete'), note: z.string().max(20_000).optional() }).strict(),
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('answer'), answer: z.string().min(1).max(100) }).strict(),
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('skip'), reason: z.string().trim().min(1).max(2000) }).strict(),
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('recheck') }).strict(),
  /** Plan the action again against live state (a queued draft, or an expired plan). */
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('replan') }).strict(),
  /** Execute the action's current plan with the confirmation the plan asks for. */
  z.object({ runId: RunId, stepId: z.string().max(100), action: z.literal('execute'), confirmation: z.string().max(300) }).strict(),
]);
export type StepParams = z.infer<typeof StepParams>;

export const runbookMethods = {
  'runbooks.list': query(
    'Every runbook from every source, and the files refused with file:line:column.',
    NoParams,
    z.object({ runbooks: z.array(RunbookSummary), problems: z.array(RunbookProblem) }),
  ),
  'runbooks.get': query('One runbook with its steps and Markdown.', z.object({ id: RunbookId }).strict(), z.object({ runbook: Runbook })),
  'runbooks.forAlert': query(
    'The runbooks that answer an alert, with parameters filled from its labels and the estate.',
    z
      .object({
        alertname: z.string().min(1).max(200),
        labels: z.record(z.string().max(200), z.string().max(2000)).default({}),
        /** The alert's runbook_url annotation, fetched (or read from the offline copy). */
        runbookUrl: z.string().max(2000).optional(),
      })
      .strict(),
    z.object({ offers: z.array(Offer), external: ExternalRunbook.nullable(), externalError: z.string().nullable() }),
  ),
  'runbooks.forIncident': query(
    'The runbooks that answer an incident: those of its alerts, then those that apply to its impacted entities, with parameters filled.',
    z.object({ incidentId: z.string().min(1).max(100) }).strict(),
    z.object({ offers: z.array(Offer) }),
  ),
  'runs.start': mutation(
    'Start a run of a runbook with its parameters; optionally on an incident, or declaring one.',
    z
      .object({
        runbookId: RunbookId,
        parameters: z.record(z.string().max(100), z.union([z.string().max(2000), z.number()])).default({}),
        incidentId: z.string().max(100).optional(),
        /** With no incidentId: declare an incident for this run. */
        declareIncident: z.boolean().default(false),
      })
      .strict(),
    z.object({ run: Run }),
  ),
  'runs.get': query('One run with every step and its records.', z.object({ id: RunId }).strict(), z.object({ run: Run })),
  'runs.list': query('Runs, newest first.', NoParams, z.object({ runs: z.array(Run) })),
  'runs.step': mutation('Act on the current step: complete, answer, skip with a reason, re-check, re-plan or execute.', StepParams, z.object({ run: Run, plan: Plan.nullable() })),
  'runs.approve': mutation(
    "Approve a gated action as a second person, with one of the approver's own kubeconfig contexts.",
    z.object({ runId: RunId, stepId: z.string().max(100), context: z.string().min(1).max(300) }).strict(),
    z.object({ run: Run }),
  ),
};

export const runbookTopics = {
  'runs.subscribe': topic('A run, pushed whenever it changes.', z.object({ id: RunId }).strict(), z.object({ run: Run })),
};
