import fs from 'node:fs';
import { z } from 'zod';
import type { FileProblem, ScorecardRule } from '../../../shared/api/catalog.js';
import { pathText, readYamlDocuments } from './yaml-file.js';

/**
 * The scorecard rules file: levels, lowest first, and rules that each name a check Daytwo knows
 * how to evaluate from live state (scorecard-checks.ts), its level, and the check's parameters.
 * A file with any problem is refused as a whole: half a rubric would quietly raise levels.
 */

export const checkNames = [
  'owner-on-call',
  'min-replicas',
  'resource-requests',
  'memory-limit',
  'pinned-images',
  'readiness-probe',
  'liveness-probe',
  'rollout-succeeded',
  'no-crash-loops',
  'pdb-allows-drain',
  'spread',
  'runbook',
  'alert',
  'hpa',
] as const;
export type CheckName = (typeof checkNames)[number];

/** Each check's parameters; a key it does not know is refused so a typo does not go unnoticed. */
export const checkParams = {
  'min-replicas': z.object({ min: z.number().int().min(1).max(1000).default(2) }).strict(),
  'no-crash-loops': z.object({ restarts: z.number().int().min(1).max(10_000).default(5) }).strict(),
  hpa: z.object({ components: z.array(z.string().min(1)).min(1).default(['web', 'server', 'frontend', 'api']) }).strict(),
} satisfies Partial<Record<CheckName, z.ZodType>>;
const noParams = z.object({}).strict();

const RuleSpec = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a rule id is lower-case letters, digits and -, like "min-replicas"'),
    title: z.string().trim().min(1).max(200),
    level: z.string().min(1).max(40),
    check: z.enum(checkNames, { message: `check must be one of: ${checkNames.join(', ')}` }),
    description: z.string().max(2000).default(''),
    with: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

const RulesFile = z
  .object({
    levels: z.array(z.string().min(1).max(40)).min(1).max(10),
    rules: z.array(RuleSpec).min(1).max(200),
  })
  .strict();

export interface Rule extends ScorecardRule {
  check: CheckName;
  params: Record<string, unknown>;
}

export interface RuleSet {
  file: string;
  levels: string[];
  rules: Rule[];
}

export type RulesOutcome = { ok: true; rules: RuleSet } | { ok: false; problems: FileProblem[] };

export function parseRules(file: string, text: string): RulesOutcome {
  const problems: FileProblem[] = [];
  const docs = readYamlDocuments(file, text, problems);
  if (problems.length > 0) return { ok: false, problems };
  const doc = docs[0];
  if (!doc || docs.length > 1) return { ok: false, problems: [{ file, line: 1, column: 1, message: 'A rules file is one YAML document with levels and rules.' }] };
  const parsed = RulesFile.safeParse(doc.doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const pos = doc.at(path);
      problems.push({ file, ...pos, message: `${pathText(path) || 'the file'}: ${issue.message}` });
    }
    return { ok: false, problems };
  }
  const { levels, rules: specs } = parsed.data;
  const rules: Rule[] = [];
  const seen = new Set<string>();
  specs.forEach((spec, index) => {
    const at = (path: (string | number)[], message: string) => problems.push({ file, ...doc.at(['rules', index, ...path]), message });
    if (seen.has(spec.id)) at(['id'], `rules[${index}].id: "${spec.id}" is already the id of an earlier rule.`);
    seen.add(spec.id);
    if (!levels.includes(spec.level)) at(['level'], `rules[${index}].level: "${spec.level}" is not one of the levels (${levels.join(', ')}).`);
    const schema = (checkParams as Record<string, z.ZodType>)[spec.check] ?? noParams;
    const params = schema.safeParse(spec.with);
    if (!params.success) {
      for (const issue of params.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        at(['with', ...path], `rules[${index}].with${path.length ? `.${pathText(path)}` : ''}: ${issue.message} (check ${spec.check})`);
      }
      return;
    }
    rules.push({ id: spec.id, title: spec.title, level: spec.level, check: spec.check, description: spec.description, params: params.data as Record<string, unknown> });
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, rules: { file, levels, rules } };
}

export function loadRules(file: string): RulesOutcome {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `Cannot read the rules file: ${(error as Error).message}` }] };
  }
  return parseRules(file, text);
}
