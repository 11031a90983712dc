import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxWorld } from './world.js';

/**
 * The sandbox's cloud and metrics side, mounted on the sandbox's one HTTP server:
 * CloudWatch (awsJson1_0, POST / with X-Amz-Target), Prometheus exposition (/metrics), and the
 * scenario admin endpoints (/sandbox/...). Returns false for requests it does not serve.
 */
export interface CloudSide {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  /** Starts a scenario by name at runtime; throws with a clear message for an unknown name. */
  startScenario(name: string): void;
  stop(): void;
}

export interface CloudSideOptions {
  /** Scenario to start at launch, by name (file under resources/scenarios/ without extension). */
  scenario?: string;
}

// Placeholder until the cloud side lands (it replaces this file): serves nothing.
export function attachCloud(_world: SandboxWorld, _options: CloudSideOptions): CloudSide {
  return {
    async handle() {
      return false;
    },
    startScenario(name) {
      throw new Error(`Unknown scenario "${name}".`);
    },
    stop() {},
  };
}
