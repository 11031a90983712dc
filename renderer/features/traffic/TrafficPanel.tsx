import { useCallback, useEffect, useMemo, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { MetricSeries } from '../../../shared/api/metrics.js';
import type { TrafficRoute } from '../../../shared/api/traffic.js';
import { formatPercent } from '../../../shared/traffic/traffic-split.js';
import { api, errorMessage } from '../../api/api-client.js';
import { Untrusted } from '../estate/parts.js';
import { seriesColors } from '../metrics/panel-data.js';
import { startOperation } from '../operations/register.js';
import { canaryPercent, draftProblem, sameAsLive, weightsForCanaryPercent } from './traffic-weights.js';
import './traffic.css';

/** How often the panel re-reads routes and charts while open. */
const REFRESH_MS = 3_000;
const CHART_WINDOW_MS = 10 * 60_000;

/**
 * A service's traffic: each route in front of its workloads (HTTPRoute rules, NGINX canary
 * pairs) with today's split, each backend's request and 5xx rates, "Shift traffic…" (slider or
 * weights; the usual plan dialog) and "All to stable" (also Shift+S inside the route).
 * Names come from the cluster and are rendered as text only.
 */
export function TrafficPanel({ entityIds, readOnly }: { entityIds: readonly string[]; readOnly: boolean }) {
  const [routes, setRoutes] = useState<TrafficRoute[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = entityIds.join('\n');

  useEffect(() => {
    if (entityIds.length === 0) return;
    let stopped = false;
    const read = async () => {
      try {
        const { routes } = await api().call('traffic.routes', { entityIds: [...entityIds].slice(0, 50) });
        if (!stopped) {
          setRoutes(routes);
          setError(null);
        }
      } catch (e) {
        if (!stopped) setError(errorMessage(e));
      }
    };
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the ids' joined text is the dependency
  }, [key]);

  if (entityIds.length === 0) return null;
  return (
    <section className="catalog-section traffic-panel" aria-label="Traffic">
      <h2>Traffic</h2>
      {error ? (
        <p className="callout tone-bad" role="alert">
          <Untrusted text={error} />
        </p>
      ) : null}
      {routes === null && !error ? <p className="muted">Reading routes…</p> : null}
      {routes && routes.length === 0 ? <p className="muted">No HTTPRoute or NGINX canary Ingress sends traffic to this service.</p> : null}
      {routes?.map((route) => <RouteCard key={`${route.target}#${route.rule}`} route={route} readOnly={readOnly} />)}
    </section>
  );
}

function RouteCard({ route, readOnly }: { route: TrafficRoute; readOnly: boolean }) {
  const [draft, setDraft] = useState<Record<string, number>>({});
  const live = useMemo(() => Object.fromEntries(route.backends.map((b) => [b.service, b.weight])), [route]);
  const weights = { ...live, ...draft };
  const problem = draftProblem(route, weights);
  const unchanged = sameAsLive(route, weights);
  const targetLabel = `${route.kind} ${route.namespace}/${route.name}`;
  const target = { id: route.target, label: targetLabel, name: route.name };

  const shift = () => {
    startOperation('traffic-split', target, { ...(route.kind === 'HTTPRoute' ? { rule: route.rule } : {}), weights: route.backends.map((b) => ({ service: b.service, weight: weights[b.service] ?? b.weight })) });
    setDraft({});
  };
  const allToStable = useCallback(() => {
    startOperation('traffic-split', { id: route.target, label: `${route.kind} ${route.namespace}/${route.name}`, name: route.name }, { ...(route.kind === 'HTTPRoute' ? { rule: route.rule } : {}), allToStable: true });
  }, [route]);
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (readOnly || !e.shiftKey || e.key !== 'S' || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    allToStable();
  };
  const stable = route.backends.find((b) => b.stable);
  const slider = route.backends.length >= 2 ? (draft && Object.keys(draft).length > 0 ? Math.round((route.backends.filter((b) => !b.stable).reduce((n, b) => n + (weights[b.service] ?? 0), 0) / Math.max(1, Object.values(weights).reduce((n, w) => n + w, 0))) * 100) : canaryPercent(route)) : null;

  return (
    // Focusable, so "All to stable" is one key (Shift+S) from anywhere in the route, the route itself included.
    <article className="traffic-route" aria-label={route.title} onKeyDown={onKeyDown} tabIndex={0} aria-keyshortcuts={readOnly ? undefined : 'Shift+S'}>
      <h3>
        <Untrusted text={route.title} />
      </h3>
      <SplitBar route={route} />
      <table className="catalog-table traffic-backends" aria-label={`Backends of ${route.title}`}>
        <thead>
          <tr>
            <th>Backend</th>
            <th>Weight now</th>
            <th>Share now</th>
            <th>New weight</th>
          </tr>
        </thead>
        <tbody>
          {route.backends.map((b) => (
            <tr key={b.service}>
              <td>
                <Untrusted text={b.service} /> {b.stable ? <span className="badge tone-ok">stable</span> : null}
              </td>
              <td>{b.weight}</td>
              <td>{formatPercent(b.share)}</td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={route.total ?? 1_000_000}
                  step={1}
                  className="traffic-weight"
                  aria-label={`New weight for ${b.service}`}
                  value={weights[b.service] ?? b.weight}
                  disabled={readOnly}
                  onChange={(e) => setDraft((d) => ({ ...d, [b.service]: Number(e.target.value) }))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {slider !== null ? (
        <label className="traffic-slider">
          <Untrusted text={`To ${route.backends.length === 2 ? (route.backends.find((b) => !b.stable)?.service ?? 'the canary') : 'the non-stable backends'}: ${slider}%`} />
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={slider}
            disabled={readOnly}
            aria-label={`Share of traffic to the canary on ${route.title}`}
            onChange={(e) => setDraft(weightsForCanaryPercent(route, Number(e.target.value)))}
          />
        </label>
      ) : null}
      <div className="traffic-actions">
        <button type="button" className="button primary" disabled={readOnly || problem !== null || unchanged} onClick={shift}>
          Shift traffic…
        </button>
        <button type="button" className="button" disabled={readOnly || !stable} onClick={allToStable} aria-keyshortcuts="Shift+S" title="Plan sending every request to the stable backend (Shift+S)">
          All to stable
        </button>
        {problem && !unchanged ? <span className="muted" role="status">{problem}</span> : null}
      </div>
      {route.charts ? <BackendCharts route={route} /> : <p className="muted">No metrics source covers these backends, so there are no charts of their requests.</p>}
    </article>
  );
}

function SplitBar({ route }: { route: TrafficRoute }) {
  return (
    <div className="traffic-split" role="img" aria-label={`Split now: ${route.backends.map((b) => `${b.service} ${formatPercent(b.share)}`).join(', ')}`}>
      {route.backends.map((b, i) =>
        b.share > 0 ? (
          <span key={b.service} className="traffic-split-part" style={{ width: `${b.share * 100}%`, background: seriesColors[i % seriesColors.length] }}>
            <Untrusted text={`${b.service} ${formatPercent(b.share)}`} />
          </span>
        ) : null,
      )}
    </div>
  );
}

interface ChartData {
  rows: Record<string, number>[];
  services: string[];
}

function toRows(series: readonly MetricSeries[]): ChartData {
  const byT = new Map<number, Record<string, number>>();
  const services: string[] = [];
  for (const s of series) {
    const service = s.labels.service ?? '';
    services.push(service);
    for (const [t, v] of s.points) {
      if (v === null) continue;
      const row = byT.get(t) ?? { t };
      row[service] = v;
      byT.set(t, row);
    }
  }
  return { rows: [...byT.values()].sort((a, b) => (a.t as number) - (b.t as number)), services };
}

/** Each backend's request and 5xx rates over the last ten minutes, as the metrics service answers them. */
function BackendCharts({ route }: { route: TrafficRoute }) {
  const [requests, setRequests] = useState<ChartData | null>(null);
  const [errors, setErrors] = useState<ChartData | null>(null);
  const charts = route.charts;
  const key = charts ? `${charts.source}\n${charts.requests}` : '';
  useEffect(() => {
    if (!charts) return;
    let stopped = false;
    const read = async () => {
      const end = Date.now();
      const window = { source: charts.source, start: end - CHART_WINDOW_MS, end, maxPoints: 200 };
      try {
        const [r, e] = await Promise.all([
          api().call('metrics.query', { ...window, query: { kind: 'promql', expr: charts.requests } }),
          api().call('metrics.query', { ...window, query: { kind: 'promql', expr: charts.errors } }),
        ]);
        if (stopped) return;
        setRequests(toRows(r.series));
        setErrors(toRows(e.series));
      } catch {
        // The route itself still shows; the next refresh tries again.
      }
    };
    void read();
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the queries' text is the dependency
  }, [key]);
  const colorOf = (service: string) => seriesColors[Math.max(0, route.backends.findIndex((b) => b.service === service)) % seriesColors.length];
  return (
    <div className="traffic-charts">
      <RateChart title="Requests/s by backend" data={requests} colorOf={colorOf} />
      <RateChart title="5xx/s by backend" data={errors} colorOf={colorOf} />
    </div>
  );
}

function RateChart({ title, data, colorOf }: { title: string; data: ChartData | null; colorOf: (service: string) => string | undefined }) {
  return (
    <figure className="traffic-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {data === null ? (
        <p className="muted">Reading…</p>
      ) : (
        <LineChart width={420} height={150} data={data.rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })} fontSize={11} />
          <YAxis width={44} fontSize={11} tickFormatter={(v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1))} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString()} formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {data.services.map((service) => (
            <Line key={service} dataKey={service} name={service} stroke={colorOf(service)} dot={false} isAnimationActive={false} connectNulls={false} />
          ))}
        </LineChart>
      )}
    </figure>
  );
}
