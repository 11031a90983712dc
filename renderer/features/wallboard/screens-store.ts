import { create } from 'zustand';
import type { Incident } from '../../../shared/api/incidents.js';
import type { Screen } from '../../../shared/api/screens.js';
import { api, errorMessage } from '../../api/api-client.js';
import { openStatuses } from './wallboard-words.js';

/** The operator's screen links (#/screens); only the operator's token may call these. */
interface ScreensState {
  screens: Screen[];
  incidents: Incident[];
  /** The link just created: shown once, since the engine keeps only its hash. */
  created: string | null;
  problem: string | null;
}

export const useScreensStore = create<ScreensState>()(() => ({ screens: [], incidents: [], created: null, problem: null }));

export async function loadScreens(): Promise<void> {
  try {
    const [{ screens }, { incidents }] = await Promise.all([
      api().call('screens.list', {}),
      api().call('incidents.list', { status: [...openStatuses], limit: 50 }),
    ]);
    useScreensStore.setState({ screens, incidents, problem: null });
  } catch (error) {
    useScreensStore.setState({ problem: errorMessage(error) });
  }
}

export async function createScreen(label: string, incidentId: string | null, expiresInMs: number, origin: string): Promise<void> {
  try {
    const { token } = await api().call('screens.create', { label, incidentId, expiresInMs });
    useScreensStore.setState({ created: `${origin}/#token=${token}` });
    await loadScreens();
  } catch (error) {
    useScreensStore.setState({ problem: errorMessage(error) });
  }
}

export async function revokeScreen(id: string): Promise<void> {
  try {
    await api().call('screens.revoke', { id });
    await loadScreens();
  } catch (error) {
    useScreensStore.setState({ problem: errorMessage(error) });
  }
}
