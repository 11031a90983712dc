import type { KubeConfig } from '../../connections/client-node.js';
import { KubeClient } from './kube-client.js';

/**
 * The name operations' kinds know the one Kubernetes client by (kube-client.ts): the same
 * class, the same methods (get, find, list, patch, post/create, delete, stream), the same
 * error mapping. Engine code gets its client from `sources/` (the ClusterAccess it is given);
 * the constructor kept here, `new ClusterCalls(context, config)`, is for tests and scripts.
 */
export class ClusterCalls extends KubeClient {
  constructor(context: string, config: KubeConfig, timeoutMs?: number) {
    super(config, { context, ...(timeoutMs !== undefined ? { requestTimeoutMs: timeoutMs } : {}) });
  }
}

export { isConnectionError, withRetry } from './kube-client.js';
export type { CallOptions, KubeList, PatchType, WriteOptions } from './kube-client.js';
