import type { Transport } from '../../shared/api/transport.js';

/** The renderer's connection to the engine, as a person needs to know it. */
export type LinkState =
  | { status: 'connecting' }
  | { status: 'open'; since: number }
  | { status: 'reconnecting'; attempt: number; retryAt: number; lostAt: number; reason: string }
  | { status: 'unauthorized'; reason: string };

export type LinkListener = (state: LinkState) => void;

/** What the app needs from whichever transport it runs on. */
export interface EngineLink {
  readonly kind: 'desktop' | 'host';
  readonly transport: Transport;
  readonly state: LinkState;
  /** Opened with a screen link's token: the page shows the wallboard and nothing else. */
  readonly screen?: boolean;
  onState(listener: LinkListener): () => void;
  /** Skip the remaining backoff and try now (a person pressed "Reconnect"). */
  reconnectNow(): void;
}
