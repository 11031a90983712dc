import type { CallOutcome, Transport } from '../../shared/api/transport.js';

/**
 * Sends one call now and hands its answer to the first identical call made through the
 * returned transport; every other call and subscription goes straight through.
 *
 * The page's entry uses it to ask the engine for what the first view draws before the API
 * contract has been built (a couple of hundred milliseconds of the page's CPU at start):
 * the client that checks the answer against the contract is created once that has loaded,
 * and the answer is usually waiting for it by then.
 */
export function withEarlyCall(transport: Transport, method: string, params: unknown): Transport {
  const key = JSON.stringify(params ?? {});
  let early: Promise<CallOutcome> | null = transport.call(method, params);
  return {
    call(m, p) {
      if (early && m === method && JSON.stringify(p ?? {}) === key) {
        const answer = early;
        early = null;
        return answer;
      }
      return transport.call(m, p);
    },
    subscribe: (topic, p, onMessage, onError) => transport.subscribe(topic, p, onMessage, onError),
  };
}
