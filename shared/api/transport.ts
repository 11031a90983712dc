import type { ApiErrorBody } from './errors.js';

/**
 * What both transports carry. A call answers with exactly one of result or error.
 * Desktop: Electron IPC through the preload. Host mode: HTTP POST and a WebSocket.
 */
export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };

export interface Transport {
  call(method: string, params: unknown): Promise<CallOutcome>;
  /** Opens a subscription; returns a function that closes it. */
  subscribe(
    topic: string,
    params: unknown,
    onMessage: (message: unknown) => void,
    onError: (error: ApiErrorBody) => void,
  ): () => void;
}

/** WebSocket frames in host mode (and MessagePort messages on the desktop). */
export type ClientFrame =
  | { type: 'subscribe'; id: string; topic: string; params: unknown }
  | { type: 'unsubscribe'; id: string };

export type ServerFrame =
  | { type: 'message'; id: string; message: unknown }
  | { type: 'error'; id: string; error: ApiErrorBody };
