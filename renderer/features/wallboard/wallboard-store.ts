import { create } from 'zustand';
import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import type { Alert, SeriesPoint } from '../../../shared/api/metrics.js';
import type { Run } from '../../../shared/api/runbooks.js';
import { api, errorMessage } from '../../api/api-client.js';
import { byUrgency, detectedAt, nextInRotation, openStatuses } from './wallboard-words.js';
import { pacedPoll } from './paced-poll.js';
import type { PacedPoll } from './paced-poll.js';

/**
 * The wallboard's data. It only ever reads: every panel is a query polled at its own cadence
 * (or a topic), and each keeps the time of its last good answer, so the board can say how old
 * what it shows is and dim it when it stops arriving. Polling rather than only topics keeps that
 * age honest: an answer proves the engine was reachable then.
 */

export const cadence = { incidents: 5000, timeline: 1000, runs: 2000, alerts: 10_000, signals: 15_000 } as const;

/** Items shown on the wall; more would not be readable from the back of the room. */
export const timelineShown = 7;

export interface SignalChart {
  id: string;
  title: string;
  entityId: string;
  unit: string;
  points: SeriesPoint[];
  start: number;
  end: number;
  stale: boolean;
}

export interface WallboardState {
  incidents: Incident[];
  incidentsAt: number | null;
  /** The incident on the wall, when any is open. */
  focusId: string | null;
  timeline: TimelineItem[];
  timelineAt: number | null;
  runs: Run[];
  runsAt: number | null;
  alerts: Alert[];
  alertsAt: number | null;
  signals: SignalChart[];
  signalsAt: number | null;
  problem: string | null;
}

const initial: WallboardState = {
  incidents: [],
  incidentsAt: null,
  focusId: null,
  timeline: [],
  timelineAt: null,
  runs: [],
  runsAt: null,
  alerts: [],
  alertsAt: null,
  signals: [],
  signalsAt: null,
  problem: null,
};

export const useWallboardStore = create<WallboardState>()(() => initial);

export interface WallboardOptions {
  /** Show this incident only ("show this incident on the wall"). */
  follow: string | null;
  /** Rotate between open incidents every this many ms; 0 keeps the most urgent. */
  rotateMs: number;
}

/** Starts every panel's refresh; returns the function that stops them all. */
export function startWallboard(options: WallboardOptions): () => void {
  useWallboardStore.setState(initial);
  const timers: ReturnType<typeof setInterval>[] = [];
  let timelineTotal = 0;
  let timelineFor: string | null = null;

  const polls: PacedPoll[] = [];
  // A slow answer is never overtaken by the next poll, and the next waits in proportion to it,
  // so the engine is not piled on; a refresh asked for meanwhile runs once the answer is in.
  const every = (ms: number, task: () => Promise<void>): (() => void) => {
    const poll = pacedPoll(ms, () => task().catch((error: unknown) => useWallboardStore.setState({ problem: errorMessage(error) })));
    polls.push(poll);
    return poll.run;
  };

  const chooseFocus = (incidents: Incident[], current: string | null): string | null => {
    if (options.follow !== null) return incidents.some((i) => i.id === options.follow) ? options.follow : null;
    if (current !== null && incidents.some((i) => i.id === current)) return current;
    return incidents[0]?.id ?? null;
  };

  // What depends on the incident shown is fetched again the moment it changes, not at its next poll.
  const focusChanged: (() => void)[] = [];
  every(cadence.incidents, async () => {
    const { incidents } = await api().call('incidents.list', { status: [...openStatuses], limit: 50 });
    const open = [...incidents].sort(byUrgency);
    const before = useWallboardStore.getState().focusId;
    useWallboardStore.setState((s) => ({ incidents: open, incidentsAt: Date.now(), focusId: chooseFocus(open, s.focusId), problem: null }));
    if (useWallboardStore.getState().focusId !== before) for (const refresh of focusChanged) refresh();
  });

  const refreshTimeline = every(cadence.timeline, async () => {
    const id = useWallboardStore.getState().focusId;
    if (id === null) return;
    if (id !== timelineFor) {
      timelineFor = id;
      timelineTotal = 0;
    }
    // Ask only for the tail: the timeline is oldest first, and its total says where the end is.
    const tail = await api().call('incidents.timeline', { id, offset: Math.max(0, timelineTotal - timelineShown * 3), limit: 200 });
    if (useWallboardStore.getState().focusId !== id) return;
    const firstLoad = timelineTotal === 0;
    const grew = tail.total > timelineTotal + 200;
    timelineTotal = tail.total;
    if (grew) {
      // Far behind: on the first load of a long incident, ask for the tail now rather than a paced
      // poll later; a timeline growing that fast every time waits its turn, or it would never rest.
      if (firstLoad) refreshTimeline();
      return;
    }
    useWallboardStore.setState({ timeline: tail.items, timelineAt: Date.now() });
  });

  every(cadence.runs, async () => {
    const { runs } = await api().call('runs.list', {});
    useWallboardStore.setState({ runs: runs.filter((r) => r.state === 'running' && r.incidentId !== null), runsAt: Date.now() });
  });

  every(cadence.alerts, async () => {
    const { alerts } = await api().call('alerts.list', {});
    useWallboardStore.setState({ alerts: alerts.filter((a) => a.state === 'firing'), alertsAt: Date.now() });
  });

  const refreshSignals = every(cadence.signals, async () => {
    const { incidents, focusId } = useWallboardStore.getState();
    const incident = incidents.find((i) => i.id === focusId);
    if (!incident) {
      useWallboardStore.setState({ signals: [], signalsAt: Date.now() });
      return;
    }
    useWallboardStore.setState({ signals: await signalsFor(incident), signalsAt: Date.now() });
  });

  focusChanged.push(refreshTimeline, refreshSignals);

  // A note or a change announces its incident: fetch the timeline's tail at once rather than at
  // the next poll, so what the room writes is on the wall in well under a second.
  const unsubscribe = api().subscribe(
    'incidents.subscribe',
    {},
    ({ incident }) => {
      if (incident.id === useWallboardStore.getState().focusId) refreshTimeline();
    },
    () => {},
  );

  if (options.follow === null && options.rotateMs > 0) {
    timers.push(
      setInterval(() => {
        const { incidents, focusId } = useWallboardStore.getState();
        const next = nextInRotation(
          incidents.map((i) => i.id),
          focusId,
        );
        if (next === focusId) return;
        useWallboardStore.setState({ focusId: next, timeline: [], timelineAt: null, signals: [], signalsAt: null });
        for (const refresh of focusChanged) refresh();
      }, options.rotateMs),
    );
  }

  return () => {
    unsubscribe();
    for (const poll of polls) poll.stop();
    for (const timer of timers) clearInterval(timer);
  };
}

/** Before detection, for the "before" the window is compared with. */
const leadMs = 15 * 60_000;
const signalsShown = 3;

/** The golden signals of the first impacted entities that have them, over the incident window and the quarter hour before. */
async function signalsFor(incident: Incident): Promise<SignalChart[]> {
  const charts: SignalChart[] = [];
  const end = Date.now();
  const start = Math.max(0, Math.min(detectedAt(incident) - leadMs, end - leadMs));
  for (const entityId of incident.impacted.slice(0, 3)) {
    if (charts.length >= signalsShown) break;
    const { panels } = await api().call('metrics.panels', { entityId });
    for (const panel of panels.filter((p) => p.signal !== 'custom').slice(0, signalsShown - charts.length)) {
      const first = panel.queries[0];
      if (!first) continue;
      const answer = await api().call('metrics.query', { source: first.source, query: first.query, start, end, maxPoints: 240 });
      charts.push({
        id: `${entityId}|${panel.id}`,
        title: panel.title,
        entityId,
        unit: answer.unit,
        points: answer.series[0]?.points ?? [],
        start,
        end,
        stale: answer.stale,
      });
    }
  }
  return charts;
}
