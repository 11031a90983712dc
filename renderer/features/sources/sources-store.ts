import { create } from 'zustand';
import type { Source } from '../../../shared/api/sources.js';
import { api } from '../../api/api-client.js';
import { tickClock } from '../../app/clock.js';

interface SourcesState {
  /** null until the engine's first answer, so "none configured" is never shown by mistake. */
  sources: Source[] | null;
  error: string | null;
}

export const useSourcesStore = create<SourcesState>()(() => ({ sources: null, error: null }));

/** The engine pushes the whole list on every change (and again after a reconnect). */
export function watchSources(): () => void {
  return api().subscribe(
    'sources.subscribe',
    {},
    (message) => {
      tickClock();
      useSourcesStore.setState({ sources: message.sources, error: null });
    },
    (error) => useSourcesStore.setState({ error: error.message }),
  );
}
