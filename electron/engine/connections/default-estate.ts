import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { awsFiles } from './aws-profiles.js';
import { kubeconfigPaths } from './kubeconfig.js';
import type { ConnectionSettings } from './start-sources.js';
import { startSandbox } from '../sandbox/start.js';
import type { RunningSandbox } from '../sandbox/start.js';

export interface EstateChoice {
  connections: ConnectionSettings;
  /** The embedded sandbox, when it was started; stop it with the engine. */
  sandbox: RunningSandbox | null;
}

export interface EstateChoiceOptions {
  dataDir: string;
  prometheusUrls: string[];
  /** 'auto': the sandbox only when nothing is configured; 'always' / 'never' force it. */
  sandbox: 'auto' | 'always' | 'never';
  sandboxPods?: number;
  sandboxScenario?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/** True when the machine has no kubeconfig, no AWS configuration and no Prometheus was given. */
export function nothingConfigured(env: NodeJS.ProcessEnv, home: string, prometheusUrls: string[]): boolean {
  if (prometheusUrls.length > 0) return false;
  const aws = awsFiles(env, home);
  const candidates = [...kubeconfigPaths(env, home), aws.configFile, aws.credentialsFile];
  return !candidates.some((file) => fs.existsSync(file));
}

/**
 * Decides which estate the engine connects to. With nothing configured, the built-in sandbox
 * starts in this process and the engine reaches it through the kubeconfig and AWS files it
 * wrote, exactly as it would reach a real estate: no provider knows it is a sandbox.
 */
export async function chooseEstate(options: EstateChoiceOptions): Promise<EstateChoice> {
  const env = options.env ?? process.env;
  const home = options.home ?? os.homedir();
  const useSandbox =
    options.sandbox === 'always' || (options.sandbox === 'auto' && nothingConfigured(env, home, options.prometheusUrls));
  if (!useSandbox) {
    return { connections: { prometheusUrls: options.prometheusUrls, env }, sandbox: null };
  }
  const sandbox = await startSandbox({
    outDir: path.join(options.dataDir, 'sandbox'),
    port: 0,
    ...(options.sandboxPods !== undefined ? { pods: options.sandboxPods } : {}),
    ...(options.sandboxScenario !== undefined ? { scenario: options.sandboxScenario } : {}),
  });
  return {
    connections: {
      kubeconfigFiles: [sandbox.kubeconfigPath],
      aws: { configFile: sandbox.awsConfigPath, credentialsFile: sandbox.awsCredentialsPath },
      prometheusUrls: options.prometheusUrls,
      env: { ...env, AWS_PROFILE: 'daytwo-sandbox' },
    },
    sandbox,
  };
}
