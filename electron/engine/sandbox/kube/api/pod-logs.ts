import { badRequest } from '../status.js';
import type { Pod } from '../types.js';
import { entry } from './reads.js';
import type { ApiRequest, Target } from './wire.js';

export function podLog(r: ApiRequest, t: Target): void {
  const pod = entry(r, t).obj as Pod;
  const container = r.url.searchParams.get('container') ?? pod.spec.containers[0]?.name ?? '';
  const cs = pod.status.containerStatuses?.find((c) => c.name === container);
  if (!cs?.state.running && !cs?.lastState.terminated) {
    throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${cs?.state.waiting?.reason ?? 'ContainerCreating'}`);
  }
  const started = cs.state.running?.startedAt ?? cs.lastState.terminated?.startedAt ?? '';
  const lines = [`${started} level=info msg="starting ${container}" image=${cs.image}`, `${started} level=info msg="listening" port=8080`];
  if (cs.lastState.terminated && !cs.state.running) lines.push(`${cs.lastState.terminated.finishedAt} level=fatal msg="unable to load configuration: missing required key" exit=1`);
  r.res.writeHead(200, { 'Content-Type': 'text/plain' });
  r.res.end(`${lines.join('\n')}\n`);
}
