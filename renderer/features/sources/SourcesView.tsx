import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Source } from '../../../shared/api/sources.js';
import { useClockStore } from '../../app/clock.js';
import { useEngineStore } from '../../app/engine-store.js';
import { describeFreshness, formatAge, stateLabels } from '../../app/freshness.js';
import { Icon } from '../../app/icons.js';
import { Truncated } from '../../app/Truncated.js';
import { useSourcesStore } from './sources-store.js';
import { byAttention, countByState, kindLabels, stateLook } from './source-state.js';
import { FirstRun } from './FirstRun.js';

function matchesFilter(source: Source, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (needle === '') return true;
  return [source.name, source.location, source.kind, source.state, source.reason, source.id].some((field) =>
    field.toLowerCase().includes(needle),
  );
}

/** "14:02:11" today, "3 Mar 14:02" before; a person matches it against logs and alerts. */
function syncedAtText(at: number | null, now: number): string {
  if (at === null) return 'never synced';
  const when = new Date(at);
  const sameDay = when.toDateString() === new Date(now).toDateString();
  return sameDay
    ? when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : when.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** Every configured source, worst first, with why it is in its state and what to do. */
export function SourcesView({ rest }: { rest: string[] }) {
  const { sources, error } = useSourcesStore(useShallow((s) => ({ sources: s.sources, error: s.error })));
  const [filter, setFilter] = useState('');
  const selectedId = rest[0];

  const ordered = useMemo(() => (sources ? [...sources].sort(byAttention) : []), [sources]);
  const shown = useMemo(() => ordered.filter((s) => matchesFilter(s, filter)), [ordered, filter]);

  return (
    <div className="view">
      <header className="view-header">
        <div className="view-heading">
          <h1 tabIndex={-1}>Sources</h1>
          <p className="view-summary">Clusters, cloud accounts and metric backends Daytwo reads, and how fresh each is.</p>
        </div>
        {sources && sources.length > 0 ? (
          <div className="view-tools">
            <StateCounts sources={sources} />
            <input
              type="search"
              className="filter"
              placeholder="Filter sources  /"
              aria-label="Filter sources"
              data-view-filter
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && filter !== '') {
                  e.preventDefault();
                  setFilter('');
                }
              }}
            />
          </div>
        ) : null}
      </header>
      {error ? (
        <div className="callout tone-bad" role="alert">
          <Icon name="error" />
          <span>
            <strong>The engine could not list sources.</strong> {error}
          </span>
        </div>
      ) : null}
      {sources === null ? (
        error ? null : <p className="muted">Waiting for the engine’s list of sources…</p>
      ) : sources.length === 0 ? (
        <FirstRun />
      ) : shown.length === 0 ? (
        <p className="muted">No source matches “{filter}”.</p>
      ) : (
        <SourceTable sources={shown} selectedId={selectedId} />
      )}
    </div>
  );
}

function StateCounts({ sources }: { sources: Source[] }) {
  return (
    <ul className="state-counts" aria-label="Sources by state">
      {countByState(sources).map(([state, count]) => (
        <li key={state} className={`tone-${stateLook[state].tone}`}>
          <Icon name={stateLook[state].icon} />
          {count} {stateLabels[state]}
        </li>
      ))}
    </ul>
  );
}

function SourceTable({ sources, selectedId }: { sources: Source[]; selectedId: string | undefined }) {
  const now = useClockStore((s) => s.now);
  const link = useEngineStore((s) => s.link);
  const lostAt = link.status === 'reconnecting' ? link.lostAt : undefined;
  return (
    <table className="grid sources-table">
      <thead>
        <tr>
          <th scope="col" className="col-state">State</th>
          <th scope="col" className="col-name">Source</th>
          <th scope="col" className="col-kind">Kind</th>
          <th scope="col" className="col-location">Location</th>
          <th scope="col" className="col-reason">Reason and remedy</th>
          <th scope="col" className="col-sync">Last sync</th>
        </tr>
      </thead>
      <tbody>
        {sources.map((source) => {
          const look = stateLook[source.state];
          const selected = source.id === selectedId;
          return (
            <tr
              key={source.id}
              className={selected ? 'selected' : undefined}
              aria-selected={selected || undefined}
              tabIndex={selected ? -1 : undefined}
              data-autofocus={selected || undefined}
              data-source-id={source.id}
            >
              <td className="col-state">
                <span className={`state tone-${look.tone}`}>
                  <Icon name={look.icon} />
                  {stateLabels[source.state]}
                </span>
              </td>
              <td className="col-name">
                <Truncated text={source.name} className="strong" />
                {source.sandbox ? <span className="badge tone-info">sandbox</span> : null}
              </td>
              <td className="col-kind">{kindLabels[source.kind]}</td>
              <td className="col-location">
                <Truncated text={source.location} className="mono" />
              </td>
              <td className="col-reason">
                <Truncated text={source.reason} />
                {source.remedy && source.state !== 'live' ? (
                  <Truncated text={`→ ${source.remedy}`} className="remedy" />
                ) : null}
              </td>
              <td className="col-sync">
                <span title={source.lastSyncAt ? new Date(source.lastSyncAt).toLocaleString() : 'Never synced'}>
                  {source.lastSyncAt ? formatAge(now - source.lastSyncAt) : 'never'}
                </span>
                <span className="sub">
                  {lostAt !== undefined ? describeFreshness(source, now, lostAt) : syncedAtText(source.lastSyncAt, now)}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
