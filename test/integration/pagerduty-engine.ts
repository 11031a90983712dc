import path from 'node:path';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { passphraseSealer } from '../../electron/engine/connections/vault.js';

/**
 * A host-mode engine in `dir` whose only source is the PagerDuty connection file: no kubeconfig
 * and no AWS files, so nothing else competes for the two cores. Polls PagerDuty every second.
 */
export function pagerDutyOnlyEngine(dir: string, pagerdutyPath: string): Engine {
  return createEngine({
    mode: 'host',
    version: 'test',
    dataDir: path.join(dir, 'data'),
    readOnly: false,
    sealer: passphraseSealer(undefined),
    sandbox: true,
    connections: { kubeconfigFiles: [], aws: { configFile: path.join(dir, 'none'), credentialsFile: path.join(dir, 'none') }, pagerdutyFiles: [pagerdutyPath], env: {} },
    sourceTuning: { pagerdutyIntervalMs: 1000 },
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 30_000 },
    log: () => {},
  });
}
