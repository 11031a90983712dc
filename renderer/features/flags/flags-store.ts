import { create } from 'zustand';
import type { FlagEnvironment, ServiceFlag, UnleashConnectionStatus } from '../../../shared/api/flags.js';
import { api, errorMessage } from '../../api/api-client.js';
import { startOperation } from '../operations/operations-store.js';

/**
 * The feature flags of the service page being shown, read live through `flags.forService`, and
 * the Unleash connections for Settings. Changes open the operation dialog already planned, so a
 * flag is switched exactly as a Deployment is scaled: plan, confirm, execute, verify, audit.
 */

export interface FlagsState {
  serviceId: string | null;
  flags: ServiceFlag[] | null;
  problems: string[];
  error: string | null;
  asOf: number | null;
  connections: UnleashConnectionStatus[] | null;
  connectionError: string | null;
  connecting: boolean;
}

export const useFlagsStore = create<FlagsState>()(() => ({ serviceId: null, flags: null, problems: [], error: null, asOf: null, connections: null, connectionError: null, connecting: false }));

// Flag servers are read live on each poll, so the page asks less often than the catalog does.
const POLL_MS = 5_000;

async function loadFlags(serviceId: string): Promise<void> {
  try {
    const { flags, problems } = await api().call('flags.forService', { serviceId });
    if (useFlagsStore.getState().serviceId === serviceId) useFlagsStore.setState({ flags, problems, error: null, asOf: Date.now() });
  } catch (error) {
    if (useFlagsStore.getState().serviceId === serviceId) useFlagsStore.setState({ error: errorMessage(error) });
  }
}

/** Reads the open page's flags again now: after an operation on one of them ended. */
export function refreshFlags(): void {
  const { serviceId } = useFlagsStore.getState();
  if (serviceId) void loadFlags(serviceId);
}

/** Polls while a service page is open; returns the stop. */
export function watchFlags(serviceId: string): () => void {
  if (useFlagsStore.getState().serviceId !== serviceId) useFlagsStore.setState({ serviceId, flags: null, problems: [], error: null, asOf: null });
  const tick = () => {
    if (document.visibilityState !== 'hidden') void loadFlags(serviceId);
  };
  tick();
  const timer = setInterval(tick, POLL_MS);
  return () => clearInterval(timer);
}

export type FlagChange = { enabled: boolean } | { variant: string } | { rollout: number };

/** Opens the operation dialog with the change planned against live state. */
export function planFlagChange(flag: ServiceFlag, env: FlagEnvironment, change: FlagChange): void {
  const label = `${flag.key} in ${env.environment}`;
  if (flag.backend === 'openfeature') {
    const params = 'enabled' in change ? { ...env.params, state: change.enabled ? 'ENABLED' : 'DISABLED' } : 'variant' in change ? { ...env.params, defaultVariant: change.variant } : null;
    if (!params) return;
    startOperation('openfeature-flag', { id: env.target, label, name: env.target.split('/').pop() ?? flag.key }, params);
    return;
  }
  const params = 'enabled' in change ? { ...env.params, enabled: change.enabled } : 'variant' in change ? { ...env.params, variant: change.variant } : { ...env.params, rolloutPercentage: change.rollout };
  startOperation('unleash-flag', { id: env.target, label, name: flag.key }, params);
}

export async function loadUnleashConnections(): Promise<void> {
  try {
    const { connections } = await api().call('flags.unleashConnections', {});
    useFlagsStore.setState({ connections, connectionError: null });
  } catch (error) {
    useFlagsStore.setState({ connectionError: errorMessage(error) });
  }
}

/** Checks the URL and token against Unleash; the token goes to the engine's vault and is never read back. */
export async function connectUnleash(url: string, token: string): Promise<boolean> {
  useFlagsStore.setState({ connecting: true, connectionError: null });
  try {
    await api().call('flags.connectUnleash', { url, token });
    useFlagsStore.setState({ connecting: false });
    await loadUnleashConnections();
    return true;
  } catch (error) {
    useFlagsStore.setState({ connecting: false, connectionError: errorMessage(error) });
    return false;
  }
}

export async function disconnectUnleash(url: string): Promise<void> {
  try {
    await api().call('flags.disconnectUnleash', { url });
    await loadUnleashConnections();
  } catch (error) {
    useFlagsStore.setState({ connectionError: errorMessage(error) });
  }
}
