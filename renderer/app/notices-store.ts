import { create } from 'zustand';

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  /** What the person was doing, e.g. "Saving the theme". */
  title: string;
  message: string;
}

interface NoticesState {
  notices: Notice[];
}

export const useNoticesStore = create<NoticesState>()(() => ({ notices: [] }));

let nextId = 1;
const infoLifetimeMs = 4000;
const maxShown = 4;

/** Errors stay until dismissed, so none is missed; confirmations fade on their own. */
export function pushNotice(tone: Notice['tone'], title: string, message: string): void {
  const notice = { id: nextId++, tone, title, message };
  useNoticesStore.setState((s) => ({ notices: [...s.notices, notice].slice(-maxShown) }));
  if (tone === 'info') setTimeout(() => dismissNotice(notice.id), infoLifetimeMs);
}

export function dismissNotice(id: number): void {
  useNoticesStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}
