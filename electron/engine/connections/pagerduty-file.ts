import fs from 'node:fs';
import { z } from 'zod';
import type { PagerDutyConnection } from '../providers/pagerduty/pagerduty-client.js';
import type { Vault } from './vault.js';

/**
 * A PagerDuty connection file (the sandbox writes one; see sandbox/files.ts): pdjs's `server`,
 * the REST API token, the email changes are made as (`From`), and an optional private CA.
 * On load the token moves into the vault; the connection reads it from there on every call,
 * so no Source, log line or API response can carry it.
 */

const ConnectionFile = z.object({
  server: z.string().min(1).max(500),
  token: z.string().min(1).max(500),
  from: z.string().email(),
  certificateAuthority: z.string().optional(),
});

/** The vault entry holding a PagerDuty server's API token. */
export function pagerDutyTokenName(server: string): string {
  return `pagerduty-token:${server}`;
}

export function pagerDutySourceId(server: string): string {
  return `pagerduty:${server}`;
}

/** Reads each file; a file that is missing or malformed is reported and skipped, never fatal. */
export function loadPagerDutyConnections(files: readonly string[], vault: Vault, log: (message: string) => void): PagerDutyConnection[] {
  const connections: PagerDutyConnection[] = [];
  for (const file of files) {
    let parsed;
    try {
      parsed = ConnectionFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch (error) {
      log(`PagerDuty connection file ${file} could not be read: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (!parsed.success) {
      log(`PagerDuty connection file ${file} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      continue;
    }
    const { server, token, from, certificateAuthority } = parsed.data;
    const name = pagerDutyTokenName(server);
    vault.set(name, token);
    connections.push({
      sourceId: pagerDutySourceId(server),
      server,
      from,
      ...(certificateAuthority ? { certificateAuthority } : {}),
      token: () => vault.get(name),
    });
  }
  return connections;
}
