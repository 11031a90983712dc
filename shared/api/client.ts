import { ApiError } from './errors.js';
import type { ApiErrorBody } from './errors.js';
import { methods, topics } from './contract.js';
import type { MethodName, Params, Result, TopicMessage, TopicName, TopicParams } from './contract.js';
import type { Transport } from './transport.js';
import { checkEstateFrame, checkEstateSnapshot, checkPackedEstateSnapshot } from './estate-results.js';

/**
 * The typed client both the renderer and scripts use. Results are parsed on arrival too:
 * the renderer trusts nothing that crossed a process boundary unchecked.
 */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  subscribe<T extends TopicName>(
    topic: T,
    params: TopicParams<T>,
    onMessage: (message: TopicMessage<T>) => void,
    onError?: (error: ApiErrorBody) => void,
  ): () => void;
}

export function createClient(transport: Transport): ApiClient {
  return {
    async call(method, params) {
      const outcome = await transport.call(method, params);
      if (!outcome.ok) throw new ApiError(outcome.error.code, outcome.error.message, outcome.error.field);
      // The estate's snapshots are checked by hand: the same acceptance as their schemas, faster.
      const parsed =
        method === 'estate.snapshot'
          ? checkEstateSnapshot(outcome.result)
          : method === 'estate.packedSnapshot'
            ? checkPackedEstateSnapshot(outcome.result)
            : methods[method].result.safeParse(outcome.result);
      if (!parsed.success) {
        throw new ApiError('internal', `The engine answered ${method} with a malformed result.`);
      }
      return parsed.data as Result<typeof method>;
    },
    subscribe(topic, params, onMessage, onError) {
      const schema = topics[topic].message;
      return transport.subscribe(
        topic,
        params,
        (raw) => {
          const parsed = topic === 'estate.subscribe' ? checkEstateFrame(raw) : schema.safeParse(raw);
          if (parsed.success) onMessage(parsed.data as TopicMessage<typeof topic>);
          else onError?.({ code: 'internal', message: `Malformed ${topic} message from the engine.` });
        },
        (error) => onError?.(error),
      );
    },
  };
}
