import { beginPodDeletion } from '../controllers/pods.js';
import { evictionRefusal, takeDisruption } from '../eviction.js';
import { selectorString } from '../selectors.js';
import { StatusError, conflict, successStatus } from '../status.js';
import type { Deployment, KubeObject, Pod, StatefulSet } from '../types.js';
import { entry } from './reads.js';
import { type ApiRequest, type Target, isObject, parseJson, readBody, send } from './wire.js';
import { applyPatch, checkIdentity, isDryRun, readObject, replace } from './writes.js';

/** The status, scale and eviction subresources. */

export async function statusSubresource(r: ApiRequest, t: Target, verb: string): Promise<void> {
  const current = entry(r, t).obj;
  if (verb === 'get') return send(r.res, 200, current);
  const next = verb === 'patch' ? ((await applyPatch(r, current)) as KubeObject) : checkIdentity(t, await readObject(r));
  send(r.res, 200, replace(r, t, current, next, isDryRun(r), true));
}

export function scaleOf(obj: KubeObject): Record<string, unknown> {
  const w = obj as Deployment;
  const selector = selectorString(w.spec.selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: w.spec.replicas ?? 1 },
    status: { replicas: w.status?.replicas ?? 0, selector },
  };
}

export async function scale(r: ApiRequest, t: Target, verb: string): Promise<void> {
  const current = entry(r, t).obj;
  const scale = scaleOf(current);
  if (verb === 'get') return send(r.res, 200, scale);
  const next = (verb === 'patch' ? await applyPatch(r, scale) : parseJson(await readBody(r.req))) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
  const replicas = next.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new StatusError(422, 'Invalid', `Scale.autoscaling "${t.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  }
  const rv = next.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(t.resource, current.metadata.name);
  const copy = structuredClone(current) as Deployment | StatefulSet;
  copy.spec.replicas = replicas;
  const updated = replace(r, t, current, copy, isDryRun(r));
  send(r.res, 200, scaleOf(updated));
}

/**
 * The eviction subresource: a graceful delete that a PodDisruptionBudget may refuse with 429.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/
 */
export async function evict(r: ApiRequest, t: Target): Promise<void> {
  const store = r.cluster.store;
  const pod = entry(r, t).obj as Pod;
  const body = await readObject(r);
  const dryRun = isDryRun(r) || (isObject(body) && isObject(body.deleteOptions) && Array.isArray(body.deleteOptions.dryRun) && body.deleteOptions.dryRun.includes('All'));
  if (pod.metadata.deletionTimestamp) return send(r.res, 201, successStatus());
  const refused = evictionRefusal(store, pod);
  if (refused) throw refused;
  if (!dryRun) takeDisruption(store, pod, r.cluster.now());
  if (!dryRun) {
    const grace = isObject(body) && isObject(body.deleteOptions) && typeof body.deleteOptions.gracePeriodSeconds === 'number' ? body.deleteOptions.gracePeriodSeconds : undefined;
    r.cluster.events.record(pod, 'Normal', 'Evicted', 'Evicted pod', 'eviction-api');
    beginPodDeletion(store, pod, r.cluster.now(), grace);
  }
  send(r.res, 201, successStatus());
}
