import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors.js';

/**
 * The sandbox's scenario admin API (sandbox/scenarios/scenario-deck.ts), reached over HTTP like
 * any backend: the drill service never touches the sandbox's objects, so the same code drives a
 * sandbox in this process, in another one, or on another workstation. Every answer is parsed.
 */

const Ref = z.object({ cluster: z.string(), namespace: z.string(), name: z.string() });
const Par = z.object({ detect: z.number(), declare: z.number(), identify: z.number(), mitigate: z.number() });

export const ScenarioStatus = z.object({
  name: z.string(),
  summary: z.string(),
  effects: z.object({ pods: z.string(), metrics: z.string() }),
  recovery: z.object({ description: z.string(), holdForMs: z.number() }),
  parMs: Par.nullable().optional(),
  hints: z.array(z.string()).optional(),
  debrief: z.array(z.string()).optional(),
  status: z.string(),
  run: z
    .object({
      status: z.enum(['running', 'recovered', 'stopped']),
      target: z.string(),
      targetRef: Ref,
      startedAt: z.string(),
      impactSeenAt: z.string().nullable(),
      holdingSince: z.string().nullable(),
      recoveredAt: z.string().nullable(),
    })
    .nullable(),
});
export type ScenarioStatus = z.infer<typeof ScenarioStatus>;

export const ReplayStatus = z.object({
  status: z.enum(['running', 'finished', 'stopped']),
  label: z.string(),
  target: z.string(),
  targetRef: Ref,
  speed: z.number(),
  startedAt: z.string(),
  endsAt: z.string(),
  steps: z.number(),
  played: z.number(),
  skipped: z.array(z.string()),
});
export type ReplayStatus = z.infer<typeof ReplayStatus>;

const SteadyState = z.object({ steady: z.boolean(), problems: z.array(z.string()) });
export type SteadyState = z.infer<typeof SteadyState>;

export interface SandboxAdmin {
  scenarios(): Promise<ScenarioStatus[]>;
  scenario(name: string): Promise<ScenarioStatus>;
  start(name: string, service?: string): Promise<ScenarioStatus>;
  stopAll(): Promise<SteadyState>;
  steady(): Promise<SteadyState>;
  /** POST /sandbox/replay: plays a recorded incident (sandbox/scenarios/incident-replay.ts). */
  replay(request: object): Promise<ReplayStatus>;
  replayStatus(): Promise<ReplayStatus | null>;
  stopReplay(): Promise<void>;
}

export class HttpSandboxAdmin implements SandboxAdmin {
  /** `token`: the sandbox's admin bearer token (its `admin-token` file); it stays in the engine. */
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async scenarios(): Promise<ScenarioStatus[]> {
    return z.object({ scenarios: z.array(ScenarioStatus) }).parse(await this.call('GET', '/sandbox/scenarios')).scenarios;
  }

  async scenario(name: string): Promise<ScenarioStatus> {
    return ScenarioStatus.parse(await this.call('GET', `/sandbox/scenarios/${encodeURIComponent(name)}`));
  }

  async start(name: string, service?: string): Promise<ScenarioStatus> {
    const query = service ? `?service=${encodeURIComponent(service)}` : '';
    return ScenarioStatus.parse(await this.call('POST', `/sandbox/scenarios/${encodeURIComponent(name)}/start${query}`));
  }

  async stopAll(): Promise<SteadyState> {
    return SteadyState.parse(await this.call('POST', '/sandbox/stop'));
  }

  async steady(): Promise<SteadyState> {
    return SteadyState.parse(await this.call('GET', '/sandbox/steady'));
  }

  async replay(request: object): Promise<ReplayStatus> {
    const { replay } = z.object({ replay: ReplayStatus }).parse(await this.call('POST', '/sandbox/replay', request));
    return replay;
  }

  async replayStatus(): Promise<ReplayStatus | null> {
    return z.object({ replay: ReplayStatus.nullable() }).parse(await this.call('GET', '/sandbox/replay')).replay;
  }

  async stopReplay(): Promise<void> {
    await this.call('POST', '/sandbox/replay/stop');
  }

  private async call(method: 'GET' | 'POST', pathAndQuery: string, request?: object): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(pathAndQuery, this.baseUrl), {
        method,
        headers: { Authorization: `Bearer ${this.token}`, ...(request ? { 'Content-Type': 'application/json' } : {}) },
        ...(request ? { body: JSON.stringify(request) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new ApiError('unavailable', `The sandbox at ${this.baseUrl} did not answer: ${(error as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as { error?: unknown };
    if (!res.ok) {
      const message = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      const code = res.status === 404 ? 'not_found' : res.status === 409 ? 'conflict' : res.status === 400 || res.status === 413 ? 'bad_request' : 'unavailable';
      throw new ApiError(code, `The sandbox refused: ${message}`);
    }
    return body;
  }
}
