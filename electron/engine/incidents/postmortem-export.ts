import fs from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { AuditEntry } from '../../../shared/api/audit.js';
import { severityWords } from '../../../shared/api/incidents.js';
import type { ExportResult, Incident, Milestone, Note, TimelineItem } from '../../../shared/api/incidents.js';
import type { MetricQueryResult, Panel } from '../../../shared/api/metrics.js';
import type { QueryParams as MetricQueryParams } from '../metrics/metrics-service.js';
import { canonicalJson } from '../store/audit-chain.js';
import { seriesChartSvg } from './chart-svg.js';
import type { TimelineWindow } from './timeline.js';

export interface PostmortemInputs {
  incident: Incident;
  window: TimelineWindow;
  items: readonly TimelineItem[];
  notes: readonly Note[];
  audit: readonly AuditEntry[];
  /** The store file the audit entries came from, for the verify command. */
  databaseFile: string;
  /** Golden-signal panels of each impacted entity, and a way to fetch their series. */
  panels(entityId: string): Promise<Panel[]>;
  query(params: MetricQueryParams): Promise<MetricQueryResult>;
  now: number;
}

const milestoneOrder: Milestone[] = ['detected', 'declared', 'acknowledged', 'mitigated', 'resolved'];

/**
 * Writes the postmortem: one folder and the same files zipped beside it, readable offline.
 * Only what the incident, the event store and the audit log hold goes in; none of those carries
 * a credential (sources hold names and locations, the vault is never read here), and a test
 * checks the output against every secret the sandbox issued.
 */
export async function writePostmortem(exportsDir: string, inputs: PostmortemInputs): Promise<ExportResult> {
  const stamp = new Date(inputs.now).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const name = `${inputs.incident.id}-${stamp}`;
  const folder = path.join(exportsDir, name);
  const files = new Map<string, string>();
  const drawn = await charts(inputs);
  files.set('report.md', report(inputs));
  // `signals` (the golden-signal series drawn in charts/) lets a drill replay the incident's shape; older exports lack it.
  files.set('timeline.json', `${JSON.stringify({ incident: inputs.incident, window: inputs.window, items: inputs.items, signals: drawn.signals }, null, 2)}\n`);
  files.set('audit.jsonl', inputs.audit.map((e) => JSON.stringify(e)).join('\n') + (inputs.audit.length ? '\n' : ''));
  files.set('verify-audit.mjs', verifyScript());
  files.set('VERIFY.txt', verifyText(inputs));
  for (const [file, svg] of drawn.svgs) files.set(`charts/${file}`, svg);

  fs.mkdirSync(path.join(folder, 'charts'), { recursive: true, mode: 0o700 });
  const zipEntries: Record<string, Uint8Array> = {};
  for (const [file, text] of files) {
    fs.writeFileSync(path.join(folder, file), text, { mode: 0o600 });
    zipEntries[`${name}/${file}`] = strToU8(text);
  }
  const zip = zipSync(zipEntries, { level: 6, mtime: new Date(inputs.now) });
  const zipPath = `${folder}.zip`;
  fs.writeFileSync(zipPath, zip, { mode: 0o600 });
  return { folder, zip: zipPath, files: [...files.keys()], zipBase64: Buffer.from(zip).toString('base64'), zipName: `${name}.zip` };
}

function report({ incident, window, items, notes, now }: PostmortemInputs): string {
  const t = (at: number) => `${utc(at)} (${tPlus(at - window.anchor)})`;
  const m = incident.milestones;
  const lines: string[] = [];
  lines.push(`# ${incident.id}: ${incident.title}`, '');
  if (incident.kind === 'drill') lines.push('> **Drill.** Not a real incident; excluded from real figures.', '');
  lines.push(`- **Severity:** ${incident.severity} (${severityWords[incident.severity]})`);
  lines.push(`- **Status:** ${incident.status}`);
  for (const [role, holders] of Object.entries(incident.roles)) if (holders.length > 0) lines.push(`- **${role}:** ${holders.join(', ')}`);
  for (const link of incident.links) lines.push(`- **${link.system}:** ${link.url ? `[${link.id}](${link.url})` : link.id}`);
  lines.push(`- **Exported:** ${utc(now)}`, '');
  lines.push('## Summary', '', incident.summary.trim() || '_No summary written._', '');
  lines.push('## Impact', '');
  if (incident.impacted.length === 0) lines.push('_No impacted entities recorded._');
  for (const id of incident.impacted) lines.push(`- \`${id}\``);
  lines.push('');
  lines.push('## Milestones', '', '| Milestone | UTC | T+ | Since previous | By |', '|---|---|---|---|---|');
  let previous: number | null = null;
  for (const key of milestoneOrder) {
    const mark = m[key];
    if (!mark) {
      lines.push(`| ${key} | — | — | — | — |`);
      continue;
    }
    lines.push(`| ${key} | ${utc(mark.at)} | ${tPlus(mark.at - window.anchor)} | ${previous === null ? '—' : duration(mark.at - previous)} | ${cell(mark.by)} |`);
    previous = mark.at;
  }
  if (m.detected && m.resolved) lines.push('', `Detected to resolved: **${duration(m.resolved.at - m.detected.at)}**.`);
  lines.push('');
  lines.push('## Actions taken', '');
  const actions = items.filter((i) => i.kind === 'operation');
  if (actions.length === 0) lines.push('_No operation ran through Daytwo in the window._');
  for (const a of actions) lines.push(`- ${t(a.occurredAt)}: ${a.what} (${a.detail})`);
  lines.push('');
  lines.push('## Open follow-ups', '');
  const followUps = notes.filter((n) => /^(follow[- ]?up|todo|action item)\b[:\s]/i.test(n.text));
  if (followUps.length === 0) lines.push('_None noted. Notes starting with "Follow-up:" or "TODO:" are listed here._');
  for (const f of followUps) lines.push(`- [ ] ${f.text} (${f.author}, ${utc(f.occurredAt)})`);
  lines.push('');
  lines.push('## Timeline', '', 'Both clocks: UTC, and T+ from detection. ⚑ marks an item recorded late (written offline or captured after the fact).', '');
  lines.push('| UTC | T+ | Kind | What | Where | Source |', '|---|---|---|---|---|---|');
  for (const item of items) {
    if (item.hidden) continue;
    const flag = `${item.starred ? '★ ' : ''}${item.late ? '⚑ ' : ''}`;
    lines.push(`| ${utc(item.occurredAt)} | ${tPlus(item.occurredAt - window.anchor)} | ${item.kind} | ${flag}${cell(item.what)} | ${item.entityId ? `\`${cell(item.entityId)}\`` : ''} | ${cell(item.source)} |`);
  }
  lines.push('', 'The audit entries of the window are in `audit.jsonl`; `VERIFY.txt` says how to check them against the log. Charts are in `charts/`.', '');
  return lines.join('\n');
}

function verifyText({ databaseFile, audit }: PostmortemInputs): string {
  return [
    `These ${audit.length} audit entries were copied from the hash-chained audit log of the Daytwo store at`,
    `${databaseFile}. One command checks that each entry still matches its own hash and the entry with the`,
    'same number in that log (Node and the sqlite3 command-line tool, nothing else):',
    '',
    `  node verify-audit.mjs ${shellQuote(databaseFile)}`,
    '',
    'Without the store file, `node verify-audit.mjs` checks the entries against their own hashes only.',
    '',
  ].join('\n');
}

/**
 * A standalone verifier, built from the engine's own canonical JSON and chain hash (their
 * source is copied in as it is compiled), so the export and the log can never disagree on what
 * a hash means.
 */
function verifyScript(): string {
  return `// Verifies audit.jsonl: each entry's hash, and (given the Daytwo store file) the log's hash for the same entry.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const canonicalJson = ${canonicalJson.toString()};
const chainHash = (prevHash, record) => createHash('sha256').update(prevHash).update(canonicalJson(record)).digest('hex');

const here = path.dirname(fileURLToPath(import.meta.url));
const entries = readFileSync(path.join(here, 'audit.jsonl'), 'utf8').split('\\n').filter(Boolean).map((line) => JSON.parse(line));
let failed = 0;
for (const { prevHash, hash, ...record } of entries) {
  if (chainHash(prevHash, record) !== hash) { console.error(\`entry \${record.seq}: content does not match its hash\`); failed++; }
}
const db = process.argv[2];
if (db && entries.length > 0) {
  const seqs = entries.map((e) => Number(e.seq)).filter(Number.isInteger);
  const out = execFileSync('sqlite3', ['-readonly', '-json', db, \`SELECT seq, hash FROM audit_log WHERE seq IN (\${seqs.join(',')})\`], { encoding: 'utf8' });
  const inLog = new Map((out.trim() ? JSON.parse(out) : []).map((r) => [r.seq, r.hash]));
  for (const e of entries) {
    if (inLog.get(e.seq) !== e.hash) { console.error(\`entry \${e.seq}: the log holds \${inLog.get(e.seq) ?? 'no such entry'}, the export \${e.hash}\`); failed++; }
  }
}
if (failed > 0) { console.error(\`\${failed} problem(s) in \${entries.length} entries\`); process.exit(1); }
console.log(\`verified \${entries.length} entries\${db ? ' against ' + db : ' against their own hashes'}\`);
`;
}

/** A golden-signal panel's series over the window, as exported in timeline.json for replays. */
export interface ExportedSignal {
  entityId: string;
  signal: 'traffic' | 'errors' | 'latency';
  title: string;
  unit: string;
  series: Array<{ label: string; points: Array<[number, number | null]> }>;
}

/** One SVG per golden-signal panel of each impacted entity, with the incident window shaded, and the traffic, error and latency series themselves. */
async function charts(inputs: PostmortemInputs): Promise<{ svgs: Array<[string, string]>; signals: ExportedSignal[] }> {
  const out: Array<[string, string]> = [];
  const signals: ExportedSignal[] = [];
  const { start, end } = inputs.window;
  const marks = inputs.items.filter((i) => !i.hidden && (i.starred || i.kind === 'operation' || i.kind === 'incident' || i.kind === 'alert' || i.kind === 'alarm'));
  for (const entityId of inputs.incident.impacted.slice(0, 10)) {
    let panels: Panel[];
    try {
      panels = (await inputs.panels(entityId)).filter((p) => p.signal !== 'custom').slice(0, 6);
    } catch {
      continue;
    }
    for (const panel of panels) {
      const series: Array<{ label: string; points: Array<[number, number | null]> }> = [];
      let note = '';
      for (const q of panel.queries) {
        try {
          const answer = await inputs.query({ source: q.source, query: q.query, start, end, maxPoints: 600 });
          for (const s of answer.series) series.push({ label: q.label ?? Object.values(s.labels).join(' ') ?? '', points: s.points });
          if (answer.stale) note = `from the cache as of ${answer.asOf ? utc(answer.asOf) : 'never'}`;
        } catch (error) {
          note = `not available: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      if (panel.signal === 'traffic' || panel.signal === 'errors' || panel.signal === 'latency') {
        signals.push({ entityId, signal: panel.signal, title: panel.title, unit: panel.unit, series });
      }
      const file = `${slug(entityId)}-${slug(panel.id)}.svg`;
      out.push([
        file,
        seriesChartSvg({
          title: `${panel.title} (${entityId})`,
          unit: panel.unit,
          start,
          end,
          series,
          incident: { from: inputs.incident.milestones.detected?.at ?? inputs.window.anchor, to: inputs.incident.milestones.resolved?.at ?? end },
          marks: marks.map((m) => ({ at: m.occurredAt, label: m.what })),
          note,
        }),
      ]);
    }
  }
  return { svgs: out, signals };
}

export function utc(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

/** T+1h02m05s, T-12m00s before the anchor. */
export function tPlus(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  return `T${sign}${duration(Math.abs(ms))}`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s` : `${m}m${String(sec).padStart(2, '0')}s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 500);
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

