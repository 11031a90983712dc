import { createHash } from 'node:crypto';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { RunbookFrontMatter, RunbookStep, StepType, type Runbook, type RunbookProblem } from '../../../shared/api/runbooks.js';
import { LabelSelectorSyntaxError, parseLabelSelector } from '../../../shared/estate/label-selector.js';
import { templateNames, builtInNames } from './template.js';

/**
 * A runbook file is Markdown (CommonMark, parsed by mdast-util-from-markdown) opened by YAML
 * front matter between `---` lines, with steps as fenced blocks whose info string is the step
 * type (```check, ```action, …) and whose body is YAML (parsed by the `yaml` package, which
 * keeps source positions). Every problem is reported with the file's own line and column, so
 * `npm run runbook -- lint FILE` reads like a compiler. Other fenced blocks (```promql,
 * ```sh) are prose and left alone.
 */

export class RunbookSyntaxError extends Error {
  constructor(readonly problems: RunbookProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
    this.name = 'RunbookSyntaxError';
  }
}

export interface RunbookSource {
  id: string;
  origin: string;
  path: string;
  text: string;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

export function parseRunbook(source: RunbookSource): Runbook {
  const problems: RunbookProblem[] = [];
  const at = (line: number, column: number, message: string) => problems.push({ file: source.path, line, column, message });

  const fm = FRONT_MATTER.exec(source.text);
  if (!fm) {
    at(1, 1, 'a runbook opens with YAML front matter between two "---" lines (title, answers, parameters)');
    throw new RunbookSyntaxError(problems);
  }
  const frontText = fm[1] as string;
  // The front matter's YAML begins on line 2 of the file.
  const front = parseYaml(frontText, 1, 0, RunbookFrontMatter, at);
  const bodyOffsetLines = countLines(fm[0]);
  const markdown = source.text.slice(fm[0].length);

  const known = new Set([...Object.keys(front?.parameters ?? {}), ...builtInNames]);
  const steps: Array<{ step: RunbookStep; line: number; column: number; doc: Document }> = [];
  const tree = fromMarkdown(markdown);
  for (const node of tree.children) {
    if (node.type !== 'code' || !node.lang || !StepType.safeParse(node.lang).success || !node.position) continue;
    const line = node.position.start.line + bodyOffsetLines;
    const column = node.position.start.column;
    // The body starts on the line after the fence; an indented fence indents its body too.
    const parsed = parseYamlDocument(node.value, line, column - 1, at);
    if (!parsed) continue;
    const raw = parsed.doc.toJS() as unknown;
    const value = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { type: node.lang, ...raw } : raw;
    const result = RunbookStep.safeParse(value);
    if (!result.success) {
      reportZod(result.error, parsed.doc, parsed.lines, line, column - 1, at, `${node.lang} step`);
      continue;
    }
    steps.push({ step: result.data, line, column, doc: parsed.doc });
  }
  // A foreach's name is bound by the run, like a parameter, for the steps after it.
  for (const { step } of steps) if (step.type === 'foreach') known.add(step.as);
  for (const { step, line, column } of steps) {
    for (const text of templatedStrings(step)) {
      for (const name of templateNames(text)) {
        if (!known.has(name)) at(line, column, `${step.type} step "${step.id}" uses {{${name}}}, which is not a parameter (declare it under parameters in the front matter)`);
      }
    }
  }

  if (front) {
    for (const [i, alert] of front.answers.alerts.entries()) checkSelector(alert.labels, `answers.alerts[${i}].labels`, at);
    for (const [i, entity] of front.answers.entities.entries()) checkSelector(entity.selector, `answers.entities[${i}].selector`, at);
  }

  const byId = new Map<string, RunbookStep>();
  for (const { step, line, column } of steps) {
    if (byId.has(step.id)) at(line, column, `step id "${step.id}" is used twice`);
    byId.set(step.id, step);
  }
  for (const { step, line, column } of steps) {
    if (step.type === 'branch') {
      if (step.check !== undefined && byId.get(step.check)?.type !== 'check') at(line, column, `branch "${step.id}" reads check "${step.check}", which is not a check step here`);
      for (const [outcome, target] of Object.entries(step.goto)) {
        if (!byId.has(target)) at(line, column, `branch "${step.id}" goes to "${target}" on ${outcome}, and there is no such step`);
      }
      if (step.check !== undefined && !('pass' in step.goto) && !('fail' in step.goto)) at(line, column, `branch "${step.id}" on a check needs goto.pass or goto.fail`);
    }
    if (step.type === 'foreach') {
      if (!byId.has(step.done)) at(line, column, `foreach "${step.id}" goes to "${step.done}" when done, and there is no such step`);
      if (front && step.as in front.parameters) at(line, column, `foreach "${step.id}" binds "${step.as}", which is already a parameter`);
    }
    if (step.type === 'approval' && byId.get(step.gates)?.type !== 'action') at(line, column, `approval "${step.id}" gates "${step.gates}", which is not an action step here`);
  }
  if (steps.length === 0 && problems.length === 0) at(bodyOffsetLines + 1, 1, 'a runbook has at least one step (a fenced block typed manual, check, action, branch, approval or foreach)');

  if (problems.length > 0 || !front) throw new RunbookSyntaxError(problems);
  return {
    id: source.id,
    title: front.title,
    origin: source.origin,
    path: source.path,
    hash: createHash('sha256').update(source.text).digest('hex'),
    answers: front.answers,
    parameters: front.parameters,
    steps: steps.map((s) => s.step),
    markdown,
  };

  function checkSelector(text: string, where: string, report: typeof at): void {
    try {
      parseLabelSelector(text);
    } catch (err) {
      if (!(err instanceof LabelSelectorSyntaxError)) throw err;
      report(2, 1, `${where}: ${err.message}`);
    }
  }
}

type Report = (line: number, column: number, message: string) => void;

function parseYamlDocument(text: string, lineBefore: number, indent: number, at: Report): { doc: Document; lines: LineCounter } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      at(lineBefore + pos.line, indent + pos.col, e.message.split('\n')[0] as string);
    }
    return null;
  }
  return { doc, lines };
}

function parseYaml<S extends z.ZodType>(text: string, lineBefore: number, indent: number, schema: S, at: Report): z.output<S> | null {
  const parsed = parseYamlDocument(text, lineBefore, indent, at);
  if (!parsed) return null;
  const result = schema.safeParse(parsed.doc.toJS() ?? {});
  if (result.success) return result.data;
  reportZod(result.error, parsed.doc, parsed.lines, lineBefore, indent, at, 'front matter');
  return null;
}

/** Each schema problem at the YAML node it is about (or the nearest one that exists). */
function reportZod(error: z.ZodError, doc: Document, lines: LineCounter, lineBefore: number, indent: number, at: Report, what: string): void {
  for (const issue of error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    let offset = 0;
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      const range = isScalar(node) || isMap(node) || (node && typeof node === 'object' && 'range' in node) ? (node as { range?: [number, number, number] }).range : undefined;
      if (range) {
        offset = range[0];
        break;
      }
    }
    // An unknown key is reported at the key itself.
    if (issue.code === 'unrecognized_keys') {
      const parent = doc.getIn(path, true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && issue.keys.includes(String(p.key.value)));
        const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (keyRange) offset = keyRange[0];
      }
    }
    const pos = lines.linePos(offset);
    const field = path.length > 0 ? `${path.join('.')}: ` : '';
    at(lineBefore + pos.line, indent + pos.col, `${what}: ${field}${issue.message}`);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\n') n++;
  return n;
}

/** Every string in a step that is filled from the run's parameters. */
function templatedStrings(step: RunbookStep): string[] {
  const out = [step.title];
  if (step.type === 'check') out.push(step.expect, ...(step.promql ? [step.promql] : []), ...(step.estate ? [step.estate.entity] : []));
  if (step.type === 'check' && step.cloudwatch) {
    const cw = step.cloudwatch;
    out.push(cw.namespace, cw.metric, ...Object.values(cw.dimensions), ...(cw.region ? [cw.region] : []));
  }
  if (step.type === 'action') out.push(step.target, ...Object.values(step.params).filter((v): v is string => typeof v === 'string'));
  if (step.type === 'branch' && step.question) out.push(step.question);
  if (step.type === 'foreach') out.push(step.over);
  return out;
}

