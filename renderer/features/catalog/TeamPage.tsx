import { routeHash } from '../../app/route.js';
import { Untrusted } from '../estate/parts.js';
import { useCatalogStore } from './catalog-store.js';
import { Freshness } from './CatalogView.js';
import { LevelBadge } from './LevelBadge.js';

/** A team's services rolled up: how many reach each level, and which rules fail where. Worst first. */
export function TeamPage({ name }: { name: string }) {
  const { list, teams } = useCatalogStore();
  const team = teams?.find((t) => t.name === name);
  if (!list || !teams) return <section className="view catalog-view"><p className="muted">Reading the catalog…</p></section>;
  if (!team) return <section className="view catalog-view"><p className="muted">No team called <Untrusted text={name} /> owns a service.</p></section>;
  const services = list.services
    .filter((s) => team.services.includes(s.id))
    .sort((a, b) => b.failing.length - a.failing.length || a.id.localeCompare(b.id));
  return (
    <section className="view catalog-view" aria-label={`Team ${name}`}>
      <header className="view-header">
        <div>
          <p className="crumbs">
            <a href={routeHash('catalog')}>Catalog</a>
          </p>
          <h1 tabIndex={-1}>
            Team <Untrusted text={name} />
          </h1>
          <p className="view-summary">
            {team.services.length} {team.services.length === 1 ? 'service' : 'services'}, {team.failingRules} failing {team.failingRules === 1 ? 'rule' : 'rules'}
            <Freshness list={list} />
          </p>
        </div>
      </header>
      <p className="catalog-rollup" aria-label="Services per level">
        {[...list.levels, 'none'].map((level) => (
          <span key={level}>
            <LevelBadge level={level === 'none' ? null : level} /> {team.levels[level] ?? 0}
          </span>
        ))}
      </p>
      <table className="catalog-table" aria-label={`Services of ${name}`}>
        <thead>
          <tr>
            <th>Service</th>
            <th>Level</th>
            <th>Failing rules</th>
            <th>Clusters</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id} data-testid="team-service">
              <td>
                <a href={routeHash('catalog', 'service', s.id)}>
                  <Untrusted text={s.name} className="strong" />
                </a>
              </td>
              <td>
                <LevelBadge level={s.level} />
              </td>
              <td>{s.failing.length === 0 ? <span className="muted">none</span> : <Untrusted text={s.failing.join(', ')} />}</td>
              <td>
                <Untrusted text={s.clusters.join(', ')} className="muted" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
