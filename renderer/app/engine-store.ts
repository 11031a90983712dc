import { create } from 'zustand';
import type { StateCreator } from 'zustand';
import type { AppInfo } from '../../shared/api/app.js';
import { api, errorMessage } from '../api/api-client.js';
import type { LinkState } from '../api/link-state.js';

/** How this window reaches the engine. */
interface LinkSlice {
  link: LinkState;
  linkKind: 'desktop' | 'host' | null;
}

/** What the engine says about itself (version, mode, read-only, data dir). */
interface InfoSlice {
  info: AppInfo | null;
  infoError: string | null;
}

export type EngineState = LinkSlice & InfoSlice;

const linkSlice: StateCreator<EngineState, [], [], LinkSlice> = () => ({ link: { status: 'connecting' }, linkKind: null });
const infoSlice: StateCreator<EngineState, [], [], InfoSlice> = () => ({ info: null, infoError: null });

export const useEngineStore = create<EngineState>()((...a) => ({ ...linkSlice(...a), ...infoSlice(...a) }));

export function linkChanged(link: LinkState, kind: 'desktop' | 'host'): void {
  useEngineStore.setState({ link, linkKind: kind });
}

export async function loadAppInfo(): Promise<void> {
  try {
    const info = await api().call('app.info', {});
    useEngineStore.setState({ info, infoError: null });
  } catch (error) {
    useEngineStore.setState({ infoError: errorMessage(error) });
  }
}

export const isReadOnly = (state: EngineState): boolean => state.info?.readOnly ?? false;
