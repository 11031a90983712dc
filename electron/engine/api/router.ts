import { ApiError, describeValidationError } from '../../../shared/api/errors.js';
import { isMethodName, isTopicName, methods, topics } from '../../../shared/api/contract.js';
import type { MethodName, ParsedParams, ParsedTopicParams, Result, TopicMessage, TopicName } from '../../../shared/api/contract.js';
import type { CallOutcome } from '../../../shared/api/transport.js';
import type { ScreenGrant } from '../screens/screen-links.js';
import { admitScreenCall, admitScreenMethod, admitScreenTopic, redactForScreen, redactTopicMessage } from '../screens/screen-scope.js';

/** Who is calling; decided by the transport, never by the caller's own claims. */
export interface Caller {
  transport: 'ipc' | 'http' | 'ws' | 'internal';
  /** A wall display's screen link: read-only whatever the engine's mode, scoped and redacted. */
  screen?: ScreenGrant;
}

/** Receives the parameters as parsed (z.output: defaults applied, transforms run), never the raw input. */
export type Handler<M extends MethodName> = (params: ParsedParams<M>, caller: Caller) => Promise<Result<M>> | Result<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

/** A subscription handler pushes messages until the returned function is called. */
export type TopicHandler<T extends TopicName> = (
  params: ParsedTopicParams<T>,
  push: (message: TopicMessage<T>) => void,
) => () => void;
export type TopicHandlers = { [T in TopicName]: TopicHandler<T> };

export interface RouterOptions {
  handlers: Handlers;
  topicHandlers: TopicHandlers;
  readOnly: boolean;
  /** Where unexpected failures are reported; the caller only learns that something failed. */
  log: (message: string, error: unknown) => void;
  /**
   * Methods whose results are checked against the contract on a sample of calls only (every
   * `every`-th call, never the first). For results the engine builds from values that were
   * already parsed at its edges (estate.snapshot: a 30,000-entity estate took 0.85–2.1 s to
   * re-validate), so the first paint does not wait on checking the engine's own output. Every
   * other method's result is checked on every call.
   */
  sampledResults?: { methods: readonly MethodName[]; every: number };
}

export interface Router {
  call(method: string, params: unknown, caller: Caller): Promise<CallOutcome>;
  subscribe(
    topic: string,
    params: unknown,
    push: (message: unknown) => void,
    caller?: Caller,
  ): { ok: true; close: () => void } | { ok: false; error: ApiError };
}

/**
 * Validates every request against the contract before any handler runs, refuses mutations
 * on a read-only engine, and turns every failure into a structured error.
 */
export function createRouter(options: RouterOptions): Router {
  const { handlers, topicHandlers, readOnly, log } = options;
  const sampled = new Map<string, number>((options.sampledResults?.methods ?? []).map((m) => [m, 0]));
  const every = Math.max(1, options.sampledResults?.every ?? 1);

  /** True when this call's result is to be checked; counts the sampled methods' calls. */
  function checkThisOne(method: MethodName): boolean {
    const count = sampled.get(method);
    if (count === undefined) return true;
    sampled.set(method, count + 1);
    return every === 1 || (count + 1) % every === 0;
  }

  async function dispatch(method: string, rawParams: unknown, caller: Caller): Promise<unknown> {
    if (!isMethodName(method)) throw new ApiError('unknown_method', `There is no API method called "${method}".`);
    const spec = methods[method];
    // Refused before anything else, so a screen learns nothing from a mutation's validation.
    if (caller.screen && spec.mutates) {
      throw new ApiError('forbidden', `${method} changes things, and a screen link may only read.`);
    }
    if (caller.screen) admitScreenMethod(method);
    if (spec.mutates && readOnly) {
      throw new ApiError('forbidden', `${method} changes things, and this Daytwo was started read-only.`);
    }
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) throw describeValidationError(parsed.error, `parameters for ${method}`);
    if (caller.screen) admitScreenCall(method, parsed.data, caller.screen);
    const handler = handlers[method] as Handler<MethodName>;
    const answered = await handler(parsed.data as ParsedParams<MethodName>, caller);
    const result = caller.screen ? redactForScreen(method, answered, caller.screen) : answered;
    if (!checkThisOne(method)) return result;
    const checked = spec.result.safeParse(result);
    if (!checked.success) {
      log(`${method} produced a result that breaks the contract`, checked.error);
      throw new ApiError('internal', `${method} failed inside the engine.`);
    }
    return checked.data;
  }

  return {
    async call(method, params, caller) {
      try {
        return { ok: true, result: await dispatch(method, params, caller) };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error: error.toBody() };
        log(`${method} failed`, error);
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'internal', message: `${method} failed: ${message}` } };
      }
    },
    subscribe(topic, rawParams, push, caller) {
      if (!isTopicName(topic)) {
        return { ok: false, error: new ApiError('unknown_method', `There is no subscription called "${topic}".`) };
      }
      const parsed = topics[topic].params.safeParse(rawParams ?? {});
      if (!parsed.success) return { ok: false, error: describeValidationError(parsed.error, `parameters for ${topic}`) };
      const screen = caller?.screen;
      if (screen) {
        try {
          admitScreenTopic(topic, parsed.data, screen);
        } catch (error) {
          if (error instanceof ApiError) return { ok: false, error };
          throw error;
        }
      }
      const deliver = screen
        ? (message: unknown) => {
            const visible = redactTopicMessage(topic, message, screen);
            if (visible !== null) push(visible);
          }
        : push;
      const handler = topicHandlers[topic] as TopicHandler<TopicName>;
      // A handler that throws (an unknown operation id, say) must fail this subscription, not
      // the process: on the desktop an uncaught throw here ends the engine for every window.
      try {
        const close = handler(parsed.data as ParsedTopicParams<TopicName>, deliver as (m: TopicMessage<TopicName>) => void);
        return { ok: true, close };
      } catch (error) {
        if (error instanceof ApiError) return { ok: false, error };
        log(`${topic} failed`, error);
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: new ApiError('internal', `${topic} failed: ${message}`) };
      }
    },
  };
}
