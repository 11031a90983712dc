import { parseArgs } from 'node:util';

export interface HostArgs {
  port: number;
  dataDir: string | undefined;
  readOnly: boolean;
  prometheus: string[];
  /** Alertmanager base URLs (--alertmanager, repeatable). */
  alertmanager: string[];
  /** Runbook folders (--runbooks, repeatable), read before the bundled ones. */
  runbooks: string[];
  /** Backstage catalog-info.yaml folders (--catalog, repeatable), added to those in settings. */
  catalog: string[];
  /** A scorecard rules file replacing the bundled one (--scorecards). */
  scorecards: string | undefined;
  /** auto: the built-in sandbox only when nothing is configured (--sandbox / --no-sandbox force it). */
  sandbox: 'auto' | 'always' | 'never';
  sandboxPods: number | undefined;
  /** Clusters of the built-in sandbox (--sandbox-clusters, 3–8; 3 by default). */
  sandboxClusters: number | undefined;
  sandboxScenario: string | undefined;
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
      alertmanager: { type: 'string', multiple: true },
      runbooks: { type: 'string', multiple: true },
      catalog: { type: 'string', multiple: true },
      scorecards: { type: 'string' },
      sandbox: { type: 'boolean' },
      'no-sandbox': { type: 'boolean' },
      'sandbox-pods': { type: 'string' },
      'sandbox-clusters': { type: 'string' },
      'sandbox-scenario': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535 (0 picks a free port); got "${values.port}".`);
  }
  const prometheus = httpUrls('--prometheus', values.prometheus ?? []);
  const alertmanager = httpUrls('--alertmanager', values.alertmanager ?? []);
  if (values.sandbox && values['no-sandbox']) throw new Error('Give either --sandbox or --no-sandbox, not both.');
  const sandbox = values.sandbox ? 'always' : values['no-sandbox'] ? 'never' : 'auto';
  let sandboxPods: number | undefined;
  if (values['sandbox-pods'] !== undefined) {
    sandboxPods = Number(values['sandbox-pods']);
    if (!Number.isInteger(sandboxPods) || sandboxPods < 1 || sandboxPods > 100_000) {
      throw new Error(`--sandbox-pods must be a whole number from 1 to 100000; got "${values['sandbox-pods']}".`);
    }
  }
  let sandboxClusters: number | undefined;
  if (values['sandbox-clusters'] !== undefined) {
    sandboxClusters = Number(values['sandbox-clusters']);
    if (!Number.isInteger(sandboxClusters) || sandboxClusters < 3 || sandboxClusters > 8) {
      throw new Error(`--sandbox-clusters must be a whole number from 3 to 8; got "${values['sandbox-clusters']}".`);
    }
  }
  return {
    port,
    dataDir: values['data-dir'],
    readOnly: values['read-only'] ?? false,
    prometheus,
    alertmanager,
    runbooks: values.runbooks ?? [],
    catalog: values.catalog ?? [],
    scorecards: values.scorecards,
    sandbox,
    sandboxPods,
    sandboxClusters,
    sandboxScenario: values['sandbox-scenario'],
  };
}

function httpUrls(flag: string, urls: string[]): string[] {
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${flag} must be an http(s) URL; got "${url}".`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`${flag} must be an http(s) URL; got "${url}".`);
    }
  }
  return urls;
}
