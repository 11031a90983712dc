import { startHost } from './host.js';

/** One host-mode engine on a fresh data directory for the whole run; specs read its URL from the env. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const host = await startHost();
  process.env.DAYTWO_E2E_URL = host.url;
  return () => host.stop();
}
