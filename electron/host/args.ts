import { parseArgs } from 'node:util';

export interface HostArgs {
  port: number;
  dataDir: string | undefined;
  readOnly: boolean;
  prometheus: string[];
}

/** Parses `npm run serve` flags; throws an Error whose message is fit to print. */
export function parseHostArgs(argv: string[]): HostArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      prometheus: { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (0 picks a free port); got "${values.port}".`);
  }
  const prometheus = values.prometheus ?? [];
  for (const url of prometheus) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`--prometheus must be an http(s) URL; got "${url}".`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`--prometheus must be an http(s) URL; got "${url}".`);
    }
  }
  return { port, dataDir: values['data-dir'], readOnly: values['read-only'] ?? false, prometheus };
}
