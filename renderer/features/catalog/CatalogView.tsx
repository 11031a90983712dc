import { useEffect, useMemo, useState } from 'react';
import type { CatalogMismatch, FileProblem } from '../../../shared/api/catalog.js';
import { Icon } from '../../app/icons.js';
import { useClockStore } from '../../app/clock.js';
import { formatAge } from '../../app/freshness.js';
import { routeHash } from '../../app/route.js';
import { Untrusted } from '../estate/parts.js';
import { useCatalogStore, watchCatalog } from './catalog-store.js';
import type { CatalogList } from './catalog-store.js';
import { ServicePage } from './ServicePage.js';
import { TeamPage } from './TeamPage.js';
import { LevelBadge } from './LevelBadge.js';
import './catalog.css';

/**
 * The service catalog. Routes: #/catalog (the list), #/catalog/service/<id>, #/catalog/team/<name>.
 */
export function CatalogView({ rest }: { rest: string[] }) {
  const [page, id] = rest;
  const serviceId = page === 'service' && id ? id : null;
  useEffect(() => watchCatalog(serviceId), [serviceId]);
  if (serviceId) return <ServicePage id={serviceId} />;
  if (page === 'team' && id) return <TeamPage name={id} />;
  return <CatalogList />;
}

type Service = CatalogList['services'][number];

interface Filter {
  text: string;
  team: string;
  level: string;
  rule: string;
  cluster: string;
}

function matches(s: Service, f: Filter): boolean {
  if (f.team && (s.team ?? s.owner ?? '(no owner)') !== f.team) return false;
  if (f.level && (s.level ?? 'none') !== f.level) return false;
  if (f.rule && !s.failing.includes(f.rule)) return false;
  if (f.cluster && !s.clusters.includes(f.cluster)) return false;
  const text = f.text.trim().toLowerCase();
  return !text || [s.id, s.name, s.system ?? '', s.owner ?? '', s.team ?? ''].some((v) => v.toLowerCase().includes(text));
}

function CatalogList() {
  const { list, error } = useCatalogStore();
  const [filter, setFilter] = useState<Filter>({ text: '', team: '', level: '', rule: '', cluster: '' });
  const shown = useMemo(() => (list ? list.services.filter((s) => matches(s, filter)) : []), [list, filter]);
  const options = useMemo(() => {
    const services = list?.services ?? [];
    return {
      teams: [...new Set(services.map((s) => s.team ?? s.owner ?? '(no owner)'))].sort(),
      rules: [...new Set(services.flatMap((s) => s.failing))].sort(),
      clusters: [...new Set(services.flatMap((s) => s.clusters))].sort(),
      levels: [...(list?.levels ?? []), 'none'],
    };
  }, [list]);
  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <section className="view catalog-view">
      <header className="view-header">
        <div>
          <h1 tabIndex={-1}>Service catalog</h1>
          <p className="view-summary">
            Services from every cluster, their owners and production-readiness levels <Freshness list={list} />
          </p>
        </div>
        <div className="view-tools" role="search">
          <input
            className="filter"
            type="search"
            placeholder="Filter services  /"
            aria-label="Filter services by name, system, owner or team"
            data-view-filter
            value={filter.text}
            onChange={(e) => set({ text: e.target.value })}
          />
        </div>
      </header>
      <div className="catalog-filters" role="group" aria-label="Filter the catalog">
        <Select label="Team" value={filter.team} options={options.teams} onChange={(team) => set({ team })} />
        <Select label="Level" value={filter.level} options={options.levels} onChange={(level) => set({ level })} />
        <Select label="Failing rule" value={filter.rule} options={options.rules} onChange={(rule) => set({ rule })} />
        <Select label="Cluster" value={filter.cluster} options={options.clusters} onChange={(cluster) => set({ cluster })} />
      </div>
      {error ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            Catalog unavailable: <Untrusted text={error} />
          </span>
        </div>
      ) : null}
      {list === null && !error ? <p className="muted">Assembling the catalog…</p> : null}
      {list && shown.length === 0 ? <p className="muted">No service matches.</p> : null}
      {shown.length > 0 ? (
        <table className="catalog-table" aria-label="Services">
          <colgroup>
            <col style={{ width: '24%' }} />
            <col style={{ width: '13%' }} />
            <col style={{ width: '9%' }} />
            <col style={{ width: '36%' }} />
            <col style={{ width: '18%' }} />
          </colgroup>
          <thead>
            <tr>
              <th>Service</th>
              <th>Team</th>
              <th>Level</th>
              <th>Failing</th>
              <th>Clusters</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.id} data-testid="catalog-row">
                <td>
                  <a href={routeHash('catalog', 'service', s.id)}>
                    <Untrusted text={s.name} className="strong" />
                  </a>
                  {s.system ? <Untrusted text={s.system} className="muted catalog-system" /> : null}
                </td>
                <td>
                  {s.team || s.owner ? (
                    <a href={routeHash('catalog', 'team', s.team ?? s.owner ?? '')}>
                      <Untrusted text={s.team ?? s.owner ?? ''} />
                    </a>
                  ) : (
                    <span className="tone-bad">no owner</span>
                  )}
                </td>
                <td>
                  <LevelBadge level={s.level} />
                </td>
                <td>{s.failing.length === 0 ? <span className="muted">—</span> : <Untrusted text={s.failing.join(', ')} />}</td>
                <td>
                  <Untrusted text={s.clusters.join(', ')} className="muted" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list && list.mismatches.length > 0 ? <Mismatches mismatches={list.mismatches} /> : null}
      {list && list.problems.length > 0 ? <Problems problems={list.problems} /> : null}
    </section>
  );
}

export function Freshness({ list }: { list: { asOf: number; stale: boolean } | null }) {
  const now = useClockStore((s) => s.now);
  if (!list) return null;
  return (
    <span className={list.stale ? 'tone-warn' : 'muted'} data-testid="catalog-freshness">
      {list.stale ? ' · from cache, evaluated ' : ' · evaluated '}
      {formatAge(Math.max(0, now - list.asOf))}
    </span>
  );
}

function Select({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  return (
    <label className="catalog-select">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={`${label} filter`}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function Mismatches({ mismatches }: { mismatches: CatalogMismatch[] }) {
  return (
    <section className="catalog-section" aria-label="Catalog and clusters disagree">
      <h2>Where the catalog and the clusters disagree</h2>
      <ul className="catalog-mismatches">
        {mismatches.map((m) => (
          <li key={`${m.kind}:${m.subject}`} data-testid="catalog-mismatch">
            <span className="badge tone-warn">{m.kind === 'declared-without-workload' ? 'declared, not running' : 'running, not owned'}</span>
            <Untrusted text={m.message} />
            {m.file ? <Untrusted text={`${m.file}:${m.line ?? 1}`} className="muted" /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Problems({ problems }: { problems: FileProblem[] }) {
  return (
    <section className="catalog-section" aria-label="Files refused">
      <h2>Files refused</h2>
      <ul className="catalog-mismatches">
        {problems.map((p, i) => (
          <li key={i}>
            <Untrusted text={`${p.file}:${p.line}:${p.column}`} className="strong" />
            <Untrusted text={p.message} />
          </li>
        ))}
      </ul>
    </section>
  );
}
