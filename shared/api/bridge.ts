import type { CallOutcome, ClientFrame, ServerFrame, Transport } from './transport.js';

/**
 * What the desktop preload exposes as `window.daytwo`: the API transport and nothing else.
 * The renderer wraps it with createClient(), exactly as it wraps the WebSocket transport in
 * host mode, so no feature code knows which one it runs on.
 */
export type DaytwoBridge = Transport & {
  /** "Present on another display": opens the wallboard in its own full-screen window. */
  present?: () => void;
};

declare global {
  interface Window {
    /** Present only inside the desktop app (set by electron/preload.ts through contextBridge). */
    daytwo?: DaytwoBridge;
  }
}

/**
 * Frames on the MessagePort between a window's preload and the engine process. Subscriptions
 * reuse the host-mode WebSocket frames; calls add a request/answer pair matched by id.
 */
export type PortRequest = ClientFrame | { type: 'call'; id: string; method: string; params: unknown };
export type PortReply = ServerFrame | { type: 'result'; id: string; outcome: CallOutcome };

/** IPC channel names shared by main and the preload (the only two that use ipc). */
export const bridgeChannels = {
  /** preload → main: "give this page a port to the engine". */
  connect: 'daytwo:connect',
  /** main → preload: carries the port (event.ports[0]); sent again if the engine restarts. */
  enginePort: 'daytwo:engine-port',
  /** preload → main: open the wallboard window on another display (no arguments: main chooses). */
  present: 'daytwo:present',
} as const;
