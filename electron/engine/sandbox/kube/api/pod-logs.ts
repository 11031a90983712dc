import { type ContainerRun, type LogLine, containerLog } from '../container-logs.js';
import { badRequest } from '../status.js';
import type { ContainerStatus, Pod } from '../types.js';
import { entry } from './reads.js';
import type { ApiRequest, Target } from './wire.js';

/**
 * The pod log subresource (GET .../pods/<name>/log) with the kubelet's options: container,
 * previous, sinceSeconds/sinceTime, tailLines, timestamps, limitBytes and follow, which keeps
 * the response open and writes lines as simulated time passes until the container stops.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#read-log-of-the-specified-pod
 */

const FOLLOW_POLL_MS = 250;

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function chooseContainer(pod: Pod, requested: string | null): string {
  if (requested) {
    if (!pod.spec.containers.some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
    return requested;
  }
  if (pod.spec.containers.length === 1) return pod.spec.containers[0]?.name ?? '';
  throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`);
}

/** The run whose log a request reads: the current container, or the previous one after a restart. */
function runOf(r: ApiRequest, pod: Pod, cs: ContainerStatus | undefined, name: string, previous: boolean): ContainerRun {
  const service = r.backend.service(pod, r.cluster.spec.name);
  const terminated = cs?.lastState.terminated;
  const ended = (t: NonNullable<typeof terminated>, restart: number): ContainerRun => ({
    podUid: pod.metadata.uid,
    container: name,
    image: cs?.image ?? '',
    restart,
    startedAt: Date.parse(t.startedAt ?? t.finishedAt ?? '') || r.cluster.now(),
    finishedAt: Date.parse(t.finishedAt ?? '') || r.cluster.now(),
    ending: t.reason === 'OOMKilled' ? 'oom' : 'crash',
    service,
  });
  if (previous) {
    if (!cs || !terminated) throw badRequest(`previous terminated container "${name}" in pod "${pod.metadata.name}" not found`);
    return ended(terminated, Math.max(0, cs.restartCount - 1));
  }
  if (cs?.state.running) {
    const behaviour = r.cluster.registry.behaviourOf(cs.image, pod.metadata.labels);
    return {
      podUid: pod.metadata.uid,
      container: name,
      image: cs.image,
      restart: cs.restartCount,
      startedAt: Date.parse(cs.state.running.startedAt ?? '') || r.cluster.now(),
      finishedAt: undefined,
      ending: behaviour === 'crashes' ? 'crash' : behaviour === 'oom' ? 'oom' : undefined,
      service,
    };
  }
  // A container waiting to restart still has its last run's log, as the kubelet keeps it.
  if (cs && terminated) return ended(terminated, Math.max(0, cs.restartCount - 1));
  throw badRequest(`container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${cs?.state.waiting?.reason ?? 'ContainerCreating'}`);
}

export function podLog(r: ApiRequest, t: Target): void {
  const q = r.url.searchParams;
  const pod = entry(r, t).obj as Pod;
  const name = chooseContainer(pod, q.get('container'));
  const previous = q.get('previous') === 'true';
  const run = runOf(r, pod, pod.status.containerStatuses?.find((c) => c.name === name), name, previous);
  const now = r.cluster.now();
  const sinceSeconds = Number(q.get('sinceSeconds') ?? '');
  const since = Number.isFinite(sinceSeconds) && sinceSeconds > 0 ? now - sinceSeconds * 1000 : Date.parse(q.get('sinceTime') ?? '') || undefined;
  const tail = q.has('tailLines') ? Math.max(0, Number(q.get('tailLines')) || 0) : undefined;
  const withTimestamps = q.get('timestamps') === 'true';
  let budget = q.has('limitBytes') ? Math.max(1, Number(q.get('limitBytes')) || 1) : Infinity;
  const render = (l: LogLine) => `${withTimestamps ? `${timestamp(l.time)} ` : ''}${l.text}\n`;

  let lines = containerLog(run, now);
  if (since !== undefined) lines = lines.filter((l) => l.time >= since);
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);
  r.res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  const write = (text: string): boolean => {
    const chunk = budget < text.length ? text.slice(0, budget) : text;
    budget -= chunk.length;
    r.res.write(chunk);
    return budget > 0;
  };
  let open = true;
  for (const l of lines) if (!(open = write(render(l)))) break;
  const follow = q.get('follow') === 'true' && open && run.finishedAt === undefined;
  if (!follow) {
    r.res.end();
    return;
  }
  let last = lines.length ? (lines[lines.length - 1] as LogLine).time : since !== undefined ? since - 1 : run.startedAt - 1;
  const stop = () => {
    clearInterval(timer);
    r.watches.delete(stop);
    r.res.end();
  };
  // Follow until the container stops: the same run, read again as simulated time moves on.
  const timer = setInterval(() => {
    const current = r.cluster.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
    const cs = current?.status.containerStatuses?.find((c) => c.name === name);
    const sameRun = current?.metadata.uid === pod.metadata.uid && cs?.restartCount === run.restart && !!cs.state.running;
    const upTo = sameRun ? r.cluster.now() : Date.parse(cs?.lastState.terminated?.finishedAt ?? '') || r.cluster.now();
    for (const l of containerLog(run, upTo)) {
      if (l.time <= last) continue;
      last = l.time;
      if (!write(render(l))) return stop();
    }
    if (!sameRun) stop();
  }, FOLLOW_POLL_MS);
  r.watches.add(stop);
  r.res.on('close', () => {
    clearInterval(timer);
    r.watches.delete(stop);
  });
}
