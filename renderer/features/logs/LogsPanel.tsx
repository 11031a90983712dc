import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Entity } from '../../../shared/estate/model.js';
import type { LogLine, LogStreamStatus } from '../../../shared/api/logs.js';
import { LogBuffer, logsAsText } from '../../../shared/logs/log-buffer.js';
import { stripAnsi } from '../../../shared/logs/ansi.js';
import { pinnedLogNote } from '../../../shared/logs/pinned-line.js';
import type { Incident } from '../../../shared/api/incidents.js';
import { api, errorMessage } from '../../api/api-client.js';
import { LogText, localClock, utcClock } from './log-line-view.js';
import type { ClockMode } from './log-line-view.js';
import './logs.css';

/** Kinds whose logs can be read: pods, and workloads (all their pods, merged). */
export const kindsWithLogs: ReadonlySet<Entity['kind']> = new Set(['pod', 'deployment', 'statefulset', 'daemonset', 'replicaset']);

const sinceChoices: ReadonlyArray<[string, number | undefined]> = [
  ['all kept', undefined],
  ['5 min', 300],
  ['1 hour', 3_600],
  ['6 hours', 21_600],
  ['24 hours', 86_400],
];
const tailChoices = [100, 1_000, 10_000, 100_000] as const;
/** How often new lines are drawn: fast enough to feel live, slow enough not to redraw per line. */
const publishMs = 150;
const rowHeight = 18;

/**
 * A workload's pods share its name as a prefix (`web-7d9f8c6b5-2xkqp`); the tag shows what
 * tells them apart, as stern does, and a colour per pod makes interleaved lines easy to follow.
 */
function podTag(pod: string, workload: string): string {
  return pod.startsWith(`${workload}-`) && pod.length > workload.length + 1 ? pod.slice(workload.length + 1) : pod;
}

const sourceTones = 6;

/**
 * Pins a line to an open incident's timeline as a note at the line's own time: the current
 * search match, or else the newest line loaded.
 */
function PinToIncident({ entity, line }: { entity: Entity; line: () => LogLine | undefined }) {
  const [open, setOpen] = useState<Incident[] | null>(null);
  const [target, setTarget] = useState('');
  const [said, setSaid] = useState('');
  useEffect(() => {
    let live = true;
    api()
      .call('incidents.list', { limit: 200 })
      .then(({ incidents }) => {
        if (!live) return;
        const unresolved = incidents.filter((i) => i.status !== 'resolved');
        setOpen(unresolved);
        setTarget((t) => t || unresolved[0]?.id || '');
      })
      .catch(() => live && setOpen([]));
    return () => {
      live = false;
    };
  }, []);
  if (!open || open.length === 0) return null;
  const pin = async () => {
    const chosen = line();
    if (!chosen || !target) return;
    const note = pinnedLogNote(chosen, entity.name);
    try {
      await api().call('incidents.note', { incidentId: target, text: note.text, mentions: [entity.id], ...(note.occurredAt !== undefined ? { occurredAt: note.occurredAt } : {}) });
      setSaid(`Pinned to ${target}.`);
    } catch (error) {
      setSaid(`Not pinned: ${errorMessage(error)}`);
    }
  };
  return (
    <span className="logs-pin">
      <select className="text-input" aria-label="Incident to pin to" value={target} onChange={(e) => setTarget(e.target.value)}>
        {open.map((i) => (
          <option key={i.id} value={i.id}>
            {i.id}: {i.title}
          </option>
        ))}
      </select>
      <button type="button" className="button" onClick={() => void pin()}>
        Pin line to incident
      </button>
      <span className="muted" role="status">
        {said}
      </span>
    </span>
  );
}

interface Options {
  container: string;
  previous: boolean;
  sinceSeconds: number | undefined;
  tailLines: number;
}

/**
 * Logs of a pod or a workload: followed live, the previous container after a crash, since/tail
 * bounds, both clocks, search with highlighting, wrap, ANSI colours, pause and resume, download.
 *
 * Lines live in a LogBuffer outside React state (bounded at 100,000, oldest dropped with a
 * note), and the view redraws on a steady cadence from its version number; only the rows on
 * screen are rendered (@tanstack/react-virtual). Changing the options or closing the view
 * closes the subscription, which aborts the engine's HTTP streams.
 */
export function LogsPanel({ entity, containers }: { entity: Entity; containers: readonly string[] }) {
  const [options, setOptions] = useState<Options>({ container: '', previous: false, sinceSeconds: undefined, tailLines: 1_000 });
  const [clock, setClock] = useState<ClockMode>('utc');
  const [wrap, setWrap] = useState(false);
  const [paused, setPaused] = useState(false);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(0);
  const [, setVersion] = useState(0);
  const [feed, setFeed] = useState<{ streams: LogStreamStatus[]; done: boolean; error: string | null }>({ streams: [], done: false, error: null });
  const bufferRef = useRef(new LogBuffer());
  const heldRef = useRef(new LogBuffer());
  const pausedRef = useRef(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  // Pods get colours in the order they first appear, so two pods never share one by chance.
  const tonesRef = useRef(new Map<string, number>());
  const sourceTone = (pod: string): number => {
    let tone = tonesRef.current.get(pod);
    if (tone === undefined) tonesRef.current.set(pod, (tone = tonesRef.current.size % sourceTones));
    return tone;
  };

  useEffect(() => {
    pausedRef.current = paused;
    if (!paused && heldRef.current.length > 0) {
      bufferRef.current.append(heldRef.current.all());
      heldRef.current.clear();
    }
  }, [paused]);

  useEffect(() => {
    const buffer = new LogBuffer();
    bufferRef.current = buffer;
    heldRef.current = new LogBuffer();
    let published = -1;
    const timer = setInterval(() => {
      const version = buffer.version + heldRef.current.version;
      if (version !== published) {
        published = version;
        setVersion(version);
      }
    }, publishMs);
    const close = api().subscribe(
      'logs.follow',
      {
        entityId: entity.id,
        ...(options.container ? { container: options.container } : {}),
        previous: options.previous,
        follow: !options.previous,
        ...(options.sinceSeconds ? { sinceSeconds: options.sinceSeconds } : {}),
        tailLines: options.tailLines,
      },
      (batch) => {
        (pausedRef.current ? heldRef.current : buffer).append(batch.lines);
        if (batch.streams || batch.done || batch.error) {
          setFeed((old) => ({ streams: batch.streams ?? old.streams, done: batch.done, error: batch.error ?? null }));
        }
      },
      (error) => setFeed((old) => ({ ...old, done: true, error: errorMessage(error) })),
    );
    return () => {
      close();
      clearInterval(timer);
      setFeed({ streams: [], done: false, error: null });
    };
  }, [entity.id, options]);

  const buffer = bufferRef.current;
  const count = buffer.length;
  const tagged = useMemo(() => entity.kind !== 'pod' || options.container === '', [entity.kind, options.container]);
  const multiPod = entity.kind !== 'pod';

  const needle = query.trim().toLowerCase();
  const matches = useMemo(() => {
    if (!needle) return [] as number[];
    const found: number[] = [];
    const lines = buffer.all();
    for (let i = 0; i < lines.length; i++) if (stripAnsi(lines[i]!.text).toLowerCase().includes(needle)) found.push(i);
    return found;
    // buffer.version: recount when lines arrive.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [needle, buffer, buffer.version]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 20,
  });

  useEffect(() => {
    if (stickRef.current && !paused && count > 0 && !needle) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [count, buffer.version, paused, needle, virtualizer]);

  const goToMatch = (next: number) => {
    if (matches.length === 0) return;
    const wrapped = ((next % matches.length) + matches.length) % matches.length;
    setMatchIndex(wrapped);
    stickRef.current = false;
    virtualizer.scrollToIndex(matches[wrapped]!, { align: 'center' });
  };

  const download = () => {
    const blob = new Blob([logsAsText(buffer.all().map((l) => ({ ...l, text: stripAnsi(l.text) })), tagged)], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = `${entity.name}${options.previous ? '-previous' : ''}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const set = (patch: Partial<Options>) => setOptions((old) => ({ ...old, ...patch }));
  const problems = feed.streams.filter((s) => s.state === 'failed' || s.state === 'reconnecting');
  const following = !options.previous && !feed.done;
  const currentMatch = matches.length > 0 ? matches[Math.min(matchIndex, matches.length - 1)] : undefined;

  return (
    <section className="logs-panel" aria-label="Logs">
      <div className="logs-toolbar" role="toolbar" aria-label="Log options">
        <label>
          Container{' '}
          <select className="text-input" value={options.container} onChange={(e) => set({ container: e.target.value })}>
            <option value="">{entity.kind === 'pod' ? 'all containers' : 'all containers of all pods'}</option>
            {containers.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={options.previous} onChange={(e) => set({ previous: e.target.checked })} /> Previous container
        </label>
        <label>
          Since{' '}
          <select
            className="text-input"
            value={String(options.sinceSeconds ?? '')}
            onChange={(e) => set({ sinceSeconds: e.target.value ? Number(e.target.value) : undefined })}
          >
            {sinceChoices.map(([label, seconds]) => (
              <option key={label} value={String(seconds ?? '')}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Tail{' '}
          <select className="text-input" value={options.tailLines} onChange={(e) => set({ tailLines: Number(e.target.value) })}>
            {tailChoices.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time{' '}
          <select className="text-input" value={clock} onChange={(e) => setClock(e.target.value as ClockMode)}>
            <option value="utc">UTC</option>
            <option value="local">local</option>
            <option value="both">UTC + local</option>
            <option value="off">hidden</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
      </div>
      <div className="logs-toolbar" role="toolbar" aria-label="Log actions">
        <input
          className="text-input logs-search"
          type="search"
          placeholder="Search loaded lines"
          aria-label="Search logs"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setMatchIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              goToMatch(matchIndex + (e.shiftKey ? -1 : 1));
            }
          }}
        />
        <span className="muted logs-match-count" data-testid="log-match-count">
          {needle ? `${matches.length === 0 ? 0 : Math.min(matchIndex, matches.length - 1) + 1} of ${matches.length.toLocaleString()}` : ''}
        </span>
        <button type="button" className="button" disabled={matches.length === 0} onClick={() => goToMatch(matchIndex - 1)} aria-label="Previous match">
          ↑
        </button>
        <button type="button" className="button" disabled={matches.length === 0} onClick={() => goToMatch(matchIndex + 1)} aria-label="Next match">
          ↓
        </button>
        <span className="logs-spacer" />
        {following ? (
          <button type="button" className="button" onClick={() => setPaused((p) => !p)} aria-pressed={paused}>
            {paused ? `Resume (${heldRef.current.length.toLocaleString()} new)` : 'Pause'}
          </button>
        ) : null}
        <button type="button" className="button" onClick={download} disabled={count === 0}>
          Download
        </button>
        <PinToIncident entity={entity} line={() => (currentMatch !== undefined ? buffer.at(currentMatch) : buffer.at(count - 1))} />
      </div>
      <p className="logs-status muted" role="status" data-testid="log-status">
        {count.toLocaleString()} lines
        {buffer.dropped > 0 ? ` · ${buffer.dropped.toLocaleString()} older lines dropped to stay within ${buffer.capacity.toLocaleString()}` : ''}
        {options.previous ? ' · previous container' : ''}
        {feed.done ? ' · complete' : following ? (paused ? ' · paused' : ' · following') : ''}
        {feed.error ? ` · ${feed.error}` : ''}
      </p>
      <div className="logs-problems">
        {problems.map((s) => (
          <p key={`${s.pod}/${s.container}`} className={`logs-problem ${s.state === 'failed' ? 'tone-bad' : 'tone-warn'}`}>
            {s.message ?? `${s.pod}/${s.container}: ${s.state}`}
          </p>
        ))}
      </div>
      <div
        ref={scrollRef}
        className={`logs-scroll ${wrap ? 'is-wrapped' : ''}`}
        data-testid="log-lines"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < rowHeight * 2;
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = buffer.at(item.index);
            if (!line) return null;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={wrap ? virtualizer.measureElement : undefined}
                className={`log-row ${item.index === currentMatch ? 'is-current-match' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, ...(wrap ? {} : { height: rowHeight }) }}
              >
                {clock === 'utc' || clock === 'both' ? <span className="log-time" title={line.stamp}>{utcClock(line)}</span> : null}
                {clock === 'local' || clock === 'both' ? <span className="log-time is-local" title={line.stamp}>{localClock(line)}</span> : null}
                {tagged ? (
                  <span className={`log-source tone-${sourceTone(line.pod)}`} title={`${line.pod}/${line.container}`}>
                    {multiPod ? podTag(line.pod, entity.name) : line.container}
                  </span>
                ) : null}
                <span className="log-text">
                  <LogText text={line.text} query={needle} />
                </span>
              </div>
            );
          })}
        </div>
        {count === 0 ? <p className="muted logs-empty">{feed.done ? 'No log lines.' : 'Waiting for log lines…'}</p> : null}
      </div>
    </section>
  );
}
