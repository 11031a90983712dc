import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

/**
 * A scenario file (resources/scenarios/<name>.yaml): which service it hits, what it injects
 * and when, what that does to pods and metrics, and what counts as recovery. Parsed and
 * validated here, once; a mistake names the file and the field.
 */

const durationMs = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like "30s", "5m" or "1h"')]).transform((v) => {
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v) as RegExpExecArray;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
});

const tier = z.enum(['frontend', 'api', 'worker', 'database', 'cache']);

const target = z
  .object({
    /** An exact ServiceSpec id; otherwise the busiest service matching the rest. */
    service: z.string().optional(),
    tier: z.array(tier).min(1).optional(),
    cloud: z.enum(['aws', 'gcp', 'onprem']).optional(),
    /** Properties the service must have: an ALB in front, a managed database, callers. */
    with: z.array(z.enum(['loadBalancer', 'dbInstance', 'callers'])).optional(),
  })
  .strict();

const at = { after: durationMs.default(0) };
const step = z.discriminatedUnion('action', [
  // The image is published to the simulated registry with `behaviour` (a bad deploy's build
  // crashes on start by default), or left unpublished so the pull fails.
  z.object({ ...at, action: z.literal('set-image'), image: z.string().min(1), behaviour: z.enum(['runs', 'crashes', 'oom', 'unpublished']).default('crashes') }).strict(),
  z.object({ ...at, action: z.literal('load'), factor: z.number().positive().max(100) }).strict(),
  z.object({ ...at, action: z.literal('saturate'), capacity: z.number().positive().max(1) }).strict(),
  z.object({ ...at, action: z.literal('node-not-ready') }).strict(),
  z.object({ ...at, action: z.literal('node-ready') }).strict(),
  z.object({ ...at, action: z.literal('restore') }).strict(),
  // The target's PodDisruptionBudget tightened to allow no disruption (created if it has none).
  z.object({ ...at, action: z.literal('hold-disruptions') }).strict(),
  // An upgrade controller cordons the node running most of the target's pods and drains it, retrying refused evictions.
  z.object({ ...at, action: z.literal('maintenance-drain') }).strict(),
  // An upgrade in progress: the target's control plane at a new version, and a replacement node group beside the old nodes.
  z.object({ ...at, action: z.literal('upgrade-control-plane'), gitVersion: z.string().regex(/^v1\.\d+\.\d+/, 'a version like "v1.30.6"') }).strict(),
  z.object({ ...at, action: z.literal('add-node-group'), name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), kubeletVersion: z.string().regex(/^v1\.\d+\.\d+/, 'a version like "v1.30.6"'), count: z.number().int().min(1).max(20) }).strict(),
]);

const recovery = z
  .object({
    description: z.string().min(1),
    /** Every condition listed must hold, for `holdFor`, after the impact was seen. */
    when: z
      .object({
        targetReady: z.literal(true).optional(),
        errorRatioBelow: z.number().positive().max(1).optional(),
        /** p99 latency under this multiple of the service's healthy p99. */
        latencyP99BelowBaseline: z.number().min(1).optional(),
        cpuUtilizationBelow: z.number().positive().max(2).optional(),
        clusterNodesReady: z.literal(true).optional(),
        alarmsOk: z.literal(true).optional(),
        /** The node a maintenance drain was started on runs none of the target's pods. */
        nodeDrained: z.literal(true).optional(),
        /** Every worker of the target's cluster older than the added node group runs none of the estate's service pods. */
        oldNodesDrained: z.literal(true).optional(),
      })
      .strict()
      .refine((w) => Object.keys(w).length > 0, 'list at least one recovery condition'),
    holdFor: durationMs.default(0),
  })
  .strict();

/**
 * Par times for a drill (drills/): how long a practised team takes from the injection to each
 * milestone. Optional: a scenario without them is scored without a par to compare with.
 */
const par = z
  .object({
    detect: durationMs,
    declare: durationMs,
    identify: durationMs,
    mitigate: durationMs,
  })
  .strict();

export const scenarioFile = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    summary: z.string().min(1),
    target,
    steps: z.array(step).min(1),
    effects: z.object({ pods: z.string().min(1), metrics: z.string().min(1) }).strict(),
    recovery,
    par: par.optional(),
    /** What a game master may tell responders who are stuck, in the order to give them. */
    hints: z.array(z.string().min(1)).optional(),
    /** Questions for the debrief after a drill of this scenario. */
    debrief: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type ScenarioDefinition = z.infer<typeof scenarioFile>;
export type ScenarioStep = ScenarioDefinition['steps'][number];
export type RecoveryConditions = ScenarioDefinition['recovery']['when'];

export class ScenarioFileError extends Error {}

/**
 * Parses and validates one scenario file. Every problem names the file, line and column (as
 * `file:line:column`, which editors jump to), and the field.
 */
export function parseScenario(text: string, source: string): ScenarioDefinition {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const detail = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return `  - ${source}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
    });
    throw new ScenarioFileError(`${source}: not valid YAML:\n${detail.join('\n')}`);
  }
  const result = scenarioFile.safeParse(doc.toJS());
  if (!result.success) {
    const detail = result.error.issues.map((i) => {
      const path = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      const pos = lines.linePos(offsetOf(doc, path, i.code === 'unrecognized_keys' ? i.keys : []));
      return `  - ${source}:${pos.line}:${pos.col}: ${path.join('.') || '(file)'}: ${i.message}`;
    });
    throw new ScenarioFileError(`${source}: invalid scenario:\n${detail.join('\n')}`);
  }
  const expected = path.basename(source).replace(/\.(ya?ml|json)$/, '');
  if (result.data.name !== expected) {
    throw new ScenarioFileError(`${source}: name "${result.data.name}" must match the file name "${expected}".`);
  }
  return result.data;
}

/** Where a problem is: the node at its path, or the nearest parent that exists; an unknown key at the key itself. */
function offsetOf(doc: Document, at: (string | number)[], unknownKeys: readonly string[]): number {
  if (unknownKeys.length > 0) {
    const parent = doc.getIn(at, true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && unknownKeys.includes(String(p.key.value)));
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  for (let n = at.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
    const range = node && typeof node === 'object' && 'range' in node ? (node as { range?: [number, number, number] | null }).range : undefined;
    if (range) return range[0];
  }
  return 0;
}

/** Every scenario in a folder, sorted by name. */
export function loadScenarios(dir: string): ScenarioDefinition[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => parseScenario(readFileSync(path.join(dir, f), 'utf8'), path.join(dir, f)));
}
