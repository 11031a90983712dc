import { startHost } from './host.js';

/**
 * One host-mode engine on a fresh data directory, with nothing configured and the built-in
 * sandbox switched off, so the shell's specs meet a true first run. Specs that need an estate
 * start their own host with --sandbox.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const host = await startHost(['--no-sandbox']);
  process.env.DAYTWO_E2E_URL = host.url;
  return () => host.stop();
}
