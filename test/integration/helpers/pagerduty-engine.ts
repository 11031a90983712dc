import path from 'node:path';
import type { Engine } from '../../../electron/engine/engine.js';
import { sandboxTestEngine } from './engine.js';

/**
 * A host-mode engine in `dir` whose only source is the PagerDuty connection file: no kubeconfig
 * and no AWS files, so nothing else competes for the two cores. Polls PagerDuty every second.
 */
export function pagerDutyOnlyEngine(dir: string, pagerdutyPath: string): Engine {
  return sandboxTestEngine(dir, {
    connections: { kubeconfigFiles: [], aws: { configFile: path.join(dir, 'none'), credentialsFile: path.join(dir, 'none') }, pagerdutyFiles: [pagerdutyPath], env: {} },
    sourceTuning: { pagerdutyIntervalMs: 1000 },
    operationTuning: { pollIntervalMs: 200, verifyTimeoutMs: 30_000 },
  });
}
