import { create } from 'zustand';
import type { Params } from '../../../shared/api/contract.js';
import type { ControlParams, Drill, DrillReport, DrillScenario, DrillSummary, Participant, Score } from '../../../shared/api/drills.js';
import { api, errorMessage } from '../../api/api-client.js';
import { pushNotice } from '../../app/notices-store.js';

/**
 * Drills in the renderer: the scenarios, the history, and the drill open in the game-master
 * panel with its score, kept current by `drills.subscribe`. `running` is what the banner on
 * every view reads.
 */
export interface DrillsState {
  scenarios: DrillScenario[] | null;
  history: DrillSummary[] | null;
  open: { drill: Drill; score: Score } | null;
  running: Drill | null;
  report: DrillReport | null;
  error: string | null;
  busy: boolean;
}

export const useDrillsStore = create<DrillsState>()(() => ({
  scenarios: null,
  history: null,
  open: null,
  running: null,
  report: null,
  error: null,
  busy: false,
}));

const isActive = (d: Drill) => d.state === 'running' || d.state === 'paused';

/**
 * What the banner on every view needs: whether a drill is running. Only the drill list, which
 * needs no sandbox: an engine started without one answers it, and the banner stays quiet.
 */
export async function loadRunningDrill(): Promise<void> {
  try {
    const { drills } = await api().call('drills.list', {});
    useDrillsStore.setState({ history: drills });
    const active = drills.find((d) => d.state === 'running' || d.state === 'paused');
    if (active) await openDrill(active.id);
    else useDrillsStore.setState({ running: null });
  } catch (error) {
    useDrillsStore.setState({ error: errorMessage(error) });
  }
}

export async function loadDrills(): Promise<void> {
  try {
    const [{ drills }, scenarios] = await Promise.all([
      api().call('drills.list', {}),
      api()
        .call('drills.scenarios', {})
        .then((r) => r.scenarios)
        .catch(() => []),
    ]);
    useDrillsStore.setState({ history: drills, scenarios, error: null });
    const active = drills.find((d) => d.state === 'running' || d.state === 'paused');
    if (active) await openDrill(active.id);
    else useDrillsStore.setState({ running: null });
  } catch (error) {
    useDrillsStore.setState({ error: errorMessage(error) });
  }
}

export async function openDrill(id: string): Promise<void> {
  try {
    const got = await api().call('drills.get', { id });
    // A report stays on screen while its drill changes (steady state verified after an abort): it is the file written.
    const report = useDrillsStore.getState().report;
    useDrillsStore.setState({ open: got, report: report?.drill.id === id ? report : null, ...(isActive(got.drill) ? { running: got.drill } : {}) });
  } catch (error) {
    pushNotice('error', 'Opening the drill', errorMessage(error));
  }
}

/** Follows every drill's changes; the banner and the drills view both use it. Returns the stop. */
export function watchDrills(): () => void {
  return api().subscribe('drills.subscribe', {}, ({ drill }) => {
    const { open, running } = useDrillsStore.getState();
    if (isActive(drill)) useDrillsStore.setState({ running: drill });
    else if (running?.id === drill.id) useDrillsStore.setState({ running: null });
    // The score is derived in the engine: fetch it again for the drill on screen.
    if (open?.drill.id === drill.id) void openDrill(drill.id);
  });
}

export async function startDrill(params: { scenario?: string; deal: boolean; target?: string; participants: Participant[]; timeLimitMinutes?: number }): Promise<void> {
  useDrillsStore.setState({ busy: true });
  try {
    const { drill } = await api().call('drills.start', params);
    useDrillsStore.setState({ running: drill });
    await openDrill(drill.id);
    await refreshHistory();
  } catch (error) {
    pushNotice('error', 'Starting the drill', errorMessage(error));
  } finally {
    useDrillsStore.setState({ busy: false });
  }
}

export async function controlDrill(params: ControlParams): Promise<void> {
  try {
    const { drill } = await api().call('drills.control', params);
    await openDrill(drill.id);
    if (!isActive(drill)) await refreshHistory();
  } catch (error) {
    pushNotice('error', `Drill: ${params.action}`, errorMessage(error));
  }
}

export async function loadReport(id: string): Promise<void> {
  try {
    useDrillsStore.setState({ report: await api().call('drills.report', { id }) });
  } catch (error) {
    pushNotice('error', 'Writing the drill report', errorMessage(error));
  }
}

async function refreshHistory(): Promise<void> {
  const { drills } = await api().call('drills.list', {});
  useDrillsStore.setState({ history: drills });
}

/** Replays a recorded incident as a drill (drills.fromIncident): from an export's timeline.json or a past incident. */
export async function startReplay(params: Params<'drills.fromIncident'>): Promise<boolean> {
  useDrillsStore.setState({ busy: true });
  try {
    const { drill } = await api().call('drills.fromIncident', params);
    useDrillsStore.setState({ running: drill });
    await openDrill(drill.id);
    await refreshHistory();
    return true;
  } catch (error) {
    pushNotice('error', 'Replaying the incident', errorMessage(error));
    return false;
  } finally {
    useDrillsStore.setState({ busy: false });
  }
}
