import path from 'node:path';
import { hasConfiguredConnections } from './start-sources.js';
import type { ConnectionSettings } from './start-sources.js';
import type { RunningSandbox } from '../sandbox/start.js';

export interface EstateChoice {
  connections: ConnectionSettings;
  /** The embedded sandbox, when it was started; stop it with the engine. */
  sandbox: RunningSandbox | null;
}

export interface EstateChoiceOptions {
  dataDir: string;
  prometheusUrls: string[];
  alertmanagerUrls?: string[];
  /** 'auto': the sandbox only when nothing is configured; 'always' / 'never' force it. */
  sandbox: 'auto' | 'always' | 'never';
  sandboxPods?: number;
  sandboxClusters?: number;
  sandboxScenario?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Decides which estate the engine connects to. With nothing configured, the built-in sandbox
 * starts in this process and the engine reaches it through the kubeconfig and AWS files it
 * wrote, exactly as it would reach a real estate: no provider knows it is a sandbox.
 */
export async function chooseEstate(options: EstateChoiceOptions): Promise<EstateChoice> {
  const env = options.env ?? process.env;
  const nothingConfigured = options.prometheusUrls.length === 0 && !hasConfiguredConnections({ env });
  const useSandbox = options.sandbox === 'always' || (options.sandbox === 'auto' && nothingConfigured);
  if (!useSandbox) {
    return { connections: { prometheusUrls: options.prometheusUrls, alertmanagerUrls: options.alertmanagerUrls ?? [], env }, sandbox: null };
  }
  // Imported only here: an engine with an estate of its own does not load the sandbox's hundred
  // modules (a tenth of a second of its start).
  const { startSandbox } = await import('../sandbox/start.js');
  const sandbox = await startSandbox({
    outDir: path.join(options.dataDir, 'sandbox'),
    port: 0,
    ...(options.sandboxPods !== undefined ? { pods: options.sandboxPods } : {}),
    ...(options.sandboxClusters !== undefined ? { clusters: options.sandboxClusters } : {}),
    ...(options.sandboxScenario !== undefined ? { scenario: options.sandboxScenario } : {}),
  });
  return {
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      prometheusUrls: options.prometheusUrls,
      alertmanagerUrls: options.alertmanagerUrls ?? [],
      pagerdutyFiles: [sandbox.pagerdutyPath],
      approverKubeconfigFiles: [sandbox.approverKubeconfigPath],
      env,
    },
    sandbox,
  };
}
