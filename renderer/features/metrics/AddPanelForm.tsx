import { useId, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { MetricUnit } from '../../../shared/metrics/query.js';
import type { MetricQuery } from '../../../shared/metrics/query.js';
import { ApiError } from '../../../shared/api/errors.js';
import { api, errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';
import { useSourcesStore } from '../sources/sources-store.js';
import { loadPanels } from './metrics-store.js';

/**
 * "Add panel": one PromQL or CloudWatch query, saved on the entity (metrics.addPanel). The
 * engine validates it; its message lands under the field it names, so a typo in a metric
 * name reads as "this field, this reason", not as a toast to decode.
 */

type Language = 'promql' | 'cloudwatch-metric' | 'cloudwatch-expression';

const languageWords: Record<Language, string> = {
  promql: 'PromQL',
  'cloudwatch-metric': 'CloudWatch metric',
  'cloudwatch-expression': 'CloudWatch expression',
};

const unitWords: Record<MetricUnit, string> = {
  '': 'None / plain number',
  seconds: 'Seconds (shown as ms, s)',
  bytes: 'Bytes (KiB, MiB, GiB)',
  cores: 'CPU cores (millicores)',
  percent: 'Percent (0–100)',
  ratio: 'Ratio (0–1, shown as %)',
  rate: 'Per second',
  count: 'Count',
};

interface Problems {
  form?: string;
  title?: string;
  source?: string;
  query?: string;
  dimensions?: string;
  stat?: string;
}

/** "LoadBalancer=app/web/123, TargetGroup=tg/x" → a dimension map, or a reason it is not one. */
export function parseDimensions(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  const parts = text
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return `“${part}” is not Name=Value.`;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  if (Object.keys(out).length > 30) return 'CloudWatch allows at most 30 dimensions.';
  return out;
}

/** Which field an engine error is about, from its `field` path ("queries.0.query.expr"). */
export function fieldOf(field: string | undefined): keyof Problems {
  if (!field) return 'form';
  if (/^title/.test(field)) return 'title';
  if (/source/.test(field)) return 'source';
  if (/dimensions/.test(field)) return 'dimensions';
  if (/\.stat$/.test(field)) return 'stat';
  if (/query|expr|expression|metricName|namespace|stat/.test(field)) return 'query';
  return 'form';
}

export function AddPanelForm({ entityId, onDone }: { entityId: string; onDone: () => void }) {
  const sources = useSourcesStore((s) => s.sources);
  const candidates = useMemo(() => (sources ?? []).filter((s) => s.kind === 'prometheus' || s.kind === 'aws'), [sources]);
  const [language, setLanguage] = useState<Language>(candidates.some((s) => s.kind === 'prometheus') ? 'promql' : 'cloudwatch-metric');
  const wantKind = language === 'promql' ? 'prometheus' : 'aws';
  const usable = candidates.filter((s) => s.kind === wantKind);
  const [sourceId, setSourceId] = useState('');
  const [title, setTitle] = useState('');
  const [unit, setUnit] = useState<MetricUnit>('');
  const [expr, setExpr] = useState('');
  const [namespace, setNamespace] = useState('AWS/ApplicationELB');
  const [metricName, setMetricName] = useState('');
  const [dimensions, setDimensions] = useState('');
  const [stat, setStat] = useState('Average');
  const [problems, setProblems] = useState<Problems>({});
  const [saving, setSaving] = useState(false);
  const id = useId();
  const chosenSource = usable.some((s) => s.id === sourceId) ? sourceId : (usable[0]?.id ?? '');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Problems = {};
    if (!title.trim()) found.title = 'Give the panel a title.';
    if (!chosenSource) found.source = `No ${wantKind === 'prometheus' ? 'Prometheus' : 'AWS'} source is configured.`;
    let query: MetricQuery | null = null;
    if (language === 'promql') {
      if (!expr.trim()) found.query = 'Enter a PromQL expression.';
      else query = { kind: 'promql', expr: expr.trim() };
    } else if (language === 'cloudwatch-expression') {
      if (!expr.trim()) found.query = 'Enter a metric math or SEARCH expression.';
      else query = { kind: 'cloudwatch-expression', expression: expr.trim() };
    } else {
      const dims = parseDimensions(dimensions);
      if (typeof dims === 'string') found.dimensions = dims;
      if (!namespace.trim() || !metricName.trim()) found.query = 'Enter the namespace and the metric name.';
      else if (typeof dims !== 'string') {
        query = { kind: 'cloudwatch-metric', namespace: namespace.trim(), metricName: metricName.trim(), dimensions: dims, stat: stat.trim() };
      }
    }
    setProblems(found);
    if (Object.keys(found).length > 0 || !query) return;
    setSaving(true);
    try {
      await api().call('metrics.addPanel', { entityId, title: title.trim(), unit, queries: [{ source: chosenSource, query }] });
      pushNotice('info', 'Panel added', `“${title.trim()}” is saved on this entity, on this machine.`);
      await loadPanels();
      onDone();
    } catch (error) {
      const where = error instanceof ApiError ? fieldOf(error.field) : 'form';
      setProblems({ [where]: errorMessage(error) });
    } finally {
      setSaving(false);
    }
  };

  const errorFor = (key: keyof Problems) =>
    problems[key] ? (
      <p className="field-error" id={`${id}-${key}-error`} role="alert">
        {problems[key]}
      </p>
    ) : null;
  const described = (key: keyof Problems) => (problems[key] ? `${id}-${key}-error` : undefined);

  return (
    <form className="panel add-panel" aria-label="Add a panel" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Add a panel</h2>
      <div className="add-panel-grid">
        <label htmlFor={`${id}-title`}>Title</label>
        <div>
          <input
            id={`${id}-title`}
            className="text-input"
            value={title}
            maxLength={200}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={problems.title ? true : undefined}
            aria-describedby={described('title')}
            placeholder="Checkout p95 latency"
            data-autofocus=""
          />
          {errorFor('title')}
        </div>

        <span id={`${id}-lang`}>Query</span>
        <div className="segmented" role="radiogroup" aria-labelledby={`${id}-lang`}>
          {(Object.keys(languageWords) as Language[]).map((lang) => (
            <label key={lang} className={language === lang ? 'checked' : ''}>
              <input type="radio" name={`${id}-language`} value={lang} checked={language === lang} onChange={() => setLanguage(lang)} />
              {languageWords[lang]}
            </label>
          ))}
        </div>

        <label htmlFor={`${id}-source`}>Source</label>
        <div>
          <select
            id={`${id}-source`}
            className="text-input"
            value={chosenSource}
            onChange={(e) => setSourceId(e.target.value)}
            aria-invalid={problems.source ? true : undefined}
            aria-describedby={described('source')}
            disabled={usable.length === 0}
          >
            {usable.length === 0 ? <option value="">No {wantKind === 'prometheus' ? 'Prometheus' : 'AWS'} source configured</option> : null}
            {usable.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.location}){s.state === 'live' ? '' : ` · ${s.state}`}
              </option>
            ))}
          </select>
          {errorFor('source')}
        </div>

        {language === 'cloudwatch-metric' ? (
          <>
            <label htmlFor={`${id}-ns`}>Namespace</label>
            <input id={`${id}-ns`} className="text-input mono" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
            <label htmlFor={`${id}-metric`}>Metric name</label>
            <div>
              <input
                id={`${id}-metric`}
                className="text-input mono"
                value={metricName}
                placeholder="TargetResponseTime"
                onChange={(e) => setMetricName(e.target.value)}
                aria-invalid={problems.query ? true : undefined}
                aria-describedby={described('query')}
              />
              {errorFor('query')}
            </div>
            <label htmlFor={`${id}-dims`}>Dimensions</label>
            <div>
              <input
                id={`${id}-dims`}
                className="text-input mono"
                value={dimensions}
                placeholder="LoadBalancer=app/web/50dc6c495c0c9188"
                onChange={(e) => setDimensions(e.target.value)}
                aria-invalid={problems.dimensions ? true : undefined}
                aria-describedby={described('dimensions')}
              />
              {errorFor('dimensions')}
            </div>
            <label htmlFor={`${id}-stat`}>Statistic</label>
            <div>
              <input
                id={`${id}-stat`}
                className="text-input mono stat-input"
                value={stat}
                list={`${id}-stats`}
                onChange={(e) => setStat(e.target.value)}
                aria-invalid={problems.stat ? true : undefined}
                aria-describedby={described('stat')}
              />
              {errorFor('stat')}
            </div>
            <datalist id={`${id}-stats`}>
              {['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount', 'p50', 'p90', 'p99'].map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </>
        ) : (
          <>
            <label htmlFor={`${id}-expr`}>{language === 'promql' ? 'Expression' : 'Expression'}</label>
            <div>
              <textarea
                id={`${id}-expr`}
                className="text-input mono query-input"
                rows={3}
                value={expr}
                spellCheck={false}
                placeholder={
                  language === 'promql'
                    ? 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[5m])))'
                    : "SEARCH('{AWS/ApplicationELB,LoadBalancer} TargetResponseTime', 'Average')"
                }
                onChange={(e) => setExpr(e.target.value)}
                aria-invalid={problems.query ? true : undefined}
                aria-describedby={described('query')}
              />
              {errorFor('query')}
            </div>
          </>
        )}

        <label htmlFor={`${id}-unit`}>Unit</label>
        <select id={`${id}-unit`} className="text-input" value={unit} onChange={(e) => setUnit(e.target.value as MetricUnit)}>
          {MetricUnit.options.map((u) => (
            <option key={u} value={u}>
              {unitWords[u]}
            </option>
          ))}
        </select>
      </div>
      {errorFor('form')}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Adding…' : 'Add panel'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <span className="muted">Saved on this machine, for this entity.</span>
      </div>
    </form>
  );
}
