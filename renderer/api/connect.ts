import type { Transport } from '../../shared/api/transport.js';
import { takeHostToken } from './host-token.js';
import { createHostTransport } from './host-transport.js';
import type { EngineLink } from './link-state.js';
import { isScreenToken } from '../features/wallboard/screen-token.js';

function isTransport(value: unknown): value is Transport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Transport).call === 'function' &&
    typeof (value as Transport).subscribe === 'function'
  );
}

/**
 * The desktop preload exposes the transport as window.daytwo; anywhere else this page was
 * served by host mode and reaches the engine over loopback HTTP with the launch token.
 */
export function connectToEngine(win: Window): EngineLink | { problem: string } {
  const bridged: unknown = (win as Window & { daytwo?: unknown }).daytwo;
  if (isTransport(bridged)) {
    const state = { status: 'open', since: Date.now() } as const;
    return { kind: 'desktop', transport: bridged, state, onState: () => () => {}, reconnectNow: () => {} };
  }
  const token = takeHostToken(win.location, win.history, win.sessionStorage);
  if (!token) {
    return {
      problem:
        'This page needs the address Daytwo printed when it started ("Daytwo ready: http://127.0.0.1:…/#token=…"): the token in it is what lets the page talk to the engine.',
    };
  }
  if (isScreenToken(token)) {
    // The fragment held only the token; the route a screen may take is the wallboard.
    if (!win.location.hash.startsWith('#/wallboard')) win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}#/wallboard`);
    return Object.assign(createHostTransport({ origin: win.location.origin, token }), { screen: true });
  }
  return createHostTransport({ origin: win.location.origin, token });
}
