import { useShallow } from 'zustand/react/shallow';
import type { Source } from '../../shared/api/sources.js';
import { useEngineStore } from './engine-store.js';
import { useClockStore } from './clock.js';
import { describeFreshness } from './freshness.js';
import { Icon } from './icons.js';
import { navigate } from './route.js';
import { useSourcesStore } from '../features/sources/sources-store.js';
import { byAttention, countByState, kindLabels, stateLook } from '../features/sources/source-state.js';
import { useTickingNow } from './use-ticking-now.js';

// Worst first; the rest are summarised in one "+N more" that leads to the Sources view.
const maxChips = 3;

/** Bottom line: is the engine reachable, how fresh is each source, and what mode is this. */
export function StatusBar() {
  const { link, info } = useEngineStore(useShallow((s) => ({ link: s.link, info: s.info })));
  const sources = useSourcesStore((s) => s.sources);
  const now = useClockStore((s) => s.now);
  const lostAt = link.status === 'reconnecting' ? link.lostAt : undefined;

  return (
    <footer className="statusbar" aria-label="Status">
      <EngineLinkStatus />
      <span className="statusbar-sep" aria-hidden="true" />
      <div className="statusbar-sources" aria-label="Sources">
        {sources === null ? (
          <span className="muted">Sources: waiting for the engine…</span>
        ) : sources.length === 0 ? (
          <button type="button" className="status-chip tone-muted" onClick={() => navigate('sources')}>
            <Icon name="disabled" />
            <span>No sources configured</span>
          </button>
        ) : (
          <SourceChips sources={sources} now={now} lostAt={lostAt} />
        )}
      </div>
      <div className="statusbar-right">
        {info?.readOnly ? (
          <span className="badge tone-warn" title="This Daytwo was started with --read-only: nothing can be changed from here.">
            <Icon name="eye" />
            Read-only
          </span>
        ) : null}
        {info?.sandbox ? (
          <span className="badge tone-info" title="Showing the built-in simulated estate, not a real one.">
            Sandbox
          </span>
        ) : null}
        {info ? (
          <span className="muted" title={`Data directory: ${info.dataDir}`}>
            {info.mode === 'host' ? 'Host mode' : 'Desktop'} · v{info.version}
          </span>
        ) : null}
      </div>
    </footer>
  );
}

function EngineLinkStatus() {
  const link = useEngineStore((s) => s.link);
  const now = useTickingNow(link.status === 'reconnecting');
  switch (link.status) {
    case 'open':
      return (
        <span className="status-item tone-ok" data-testid="engine-link">
          <Icon name="live" />
          Engine connected
        </span>
      );
    case 'connecting':
      return (
        <span className="status-item tone-info" data-testid="engine-link">
          <Icon name="connecting" />
          Connecting to engine…
        </span>
      );
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((link.retryAt - now) / 1000));
      return (
        <span className="status-item tone-bad" data-testid="engine-link">
          <Icon name="offline" />
          Engine unreachable · {seconds > 0 ? `retry in ${seconds} s` : 'retrying'}
        </span>
      );
    }
    case 'unauthorized':
      return (
        <span className="status-item tone-bad" data-testid="engine-link">
          <Icon name="unauthorized" />
          Engine refused this page
        </span>
      );
  }
}

function SourceChips({ sources, now, lostAt }: { sources: Source[]; now: number; lostAt: number | undefined }) {
  const ordered = [...sources].sort(byAttention);
  const shown = ordered.slice(0, maxChips);
  const hidden = ordered.slice(maxChips);
  const hiddenSummary = countByState(hidden)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  return (
    <>
      {shown.map((source) => {
        const look = stateLook[source.state];
        return (
          <button
            type="button"
            key={source.id}
            className={`status-chip tone-${look.tone}`}
            title={`${source.name} (${kindLabels[source.kind]}, ${source.location}): ${source.reason}`}
            onClick={() => navigate('sources', source.id)}
          >
            <Icon name={look.icon} />
            <span className="truncate status-chip-name">{source.name}</span>
            <span className="status-chip-fresh">{describeFreshness(source, now, lostAt)}</span>
          </button>
        );
      })}
      {hidden.length > 0 ? (
        <button type="button" className="status-chip tone-muted" title={hiddenSummary} onClick={() => navigate('sources')}>
          +{hidden.length} more
        </button>
      ) : null}
    </>
  );
}
