import { ApiError } from '../../../shared/api/errors.js';
import type { MethodName, Result, TopicMessage, TopicName } from '../../../shared/api/contract.js';
import { screenQueries, screenTopics } from '../../../shared/api/screens.js';
import type { Incident, TimelineItem } from '../../../shared/api/incidents.js';
import type { Run } from '../../../shared/api/runbooks.js';
import type { ScreenGrant } from './screen-links.js';

/**
 * What a screen token may see, decided in the engine so no view (and no script holding a wall
 * display's token) can ask for more: only the wallboard's queries and topics, only the pinned
 * incident when there is one, never a note marked secret, never a run step's inputs and outputs
 * (they carry what the operator typed and what the cluster answered).
 */
export function admitScreenCall(method: MethodName, params: unknown, grant: ScreenGrant): void {
  admitScreenMethod(method);
  if (grant.incidentId !== null && (method === 'incidents.get' || method === 'incidents.timeline')) {
    const id = (params as { id?: unknown }).id;
    if (id !== grant.incidentId) throw pinned(grant);
  }
}

/** Before the parameters are even validated, so a screen learns nothing of a closed method. */
export function admitScreenMethod(method: MethodName): void {
  if (!screenQueries.has(method)) {
    throw new ApiError('forbidden', `${method} is not open to a screen link: a wall display may only read what the wallboard shows.`);
  }
}

export function admitScreenTopic(topic: TopicName, params: unknown, grant: ScreenGrant): void {
  if (!screenTopics.has(topic)) {
    throw new ApiError('forbidden', `${topic} is not open to a screen link.`);
  }
  void params;
  void grant;
}

/** The result as a screen may receive it. */
export function redactForScreen(method: MethodName, result: unknown, grant: ScreenGrant): unknown {
  switch (method) {
    case 'incidents.list': {
      const r = result as Result<'incidents.list'>;
      return { ...r, incidents: r.incidents.filter((i) => inScope(i.id, grant)) };
    }
    case 'incidents.timeline': {
      const r = result as Result<'incidents.timeline'>;
      const items = r.items.filter(notSecret);
      return { ...r, items, total: r.total - (r.items.length - items.length) };
    }
    case 'runs.list': {
      const r = result as Result<'runs.list'>;
      return { runs: r.runs.filter((run) => runInScope(run, grant)).map(withoutEvidence) };
    }
    case 'runs.get': {
      const r = result as Result<'runs.get'>;
      if (!runInScope(r.run, grant)) throw pinned(grant);
      return { run: withoutEvidence(r.run) };
    }
    default:
      return result;
  }
}

/** A topic message as a screen may receive it, or null to drop it. */
export function redactTopicMessage(topic: TopicName, message: unknown, grant: ScreenGrant): unknown {
  if (topic === 'incidents.subscribe') {
    const m = message as TopicMessage<'incidents.subscribe'>;
    return inScope(m.incident.id, grant) ? m : null;
  }
  if (topic === 'runs.subscribe') {
    const m = message as TopicMessage<'runs.subscribe'>;
    return runInScope(m.run, grant) ? { run: withoutEvidence(m.run) } : null;
  }
  return message;
}

function inScope(incidentId: Incident['id'], grant: ScreenGrant): boolean {
  return grant.incidentId === null || incidentId === grant.incidentId;
}

function runInScope(run: Run, grant: ScreenGrant): boolean {
  return grant.incidentId === null || run.incidentId === grant.incidentId;
}

function notSecret(item: TimelineItem): boolean {
  return item.secret !== true;
}

/** Who did what and when stays (the wall shows who is on the step); inputs and outputs go. */
function withoutEvidence(run: Run): Run {
  return {
    ...run,
    steps: run.steps.map((step) => ({ ...step, records: step.records.map((record) => ({ ...record, inputs: {}, outputs: {} })) })),
  };
}

function pinned(grant: ScreenGrant): ApiError {
  return new ApiError('forbidden', `This screen link shows incident ${grant.incidentId ?? ''} only.`);
}
