import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../../shared/api/errors.js';
import type { Risk } from '../../../../shared/api/operations.js';
import type { ExternalOperationModule } from '../external-operation.js';
import { watchUntil } from '../operation.js';
import { alertsMatching, createSilence, expireSilence as expireSilenceCall, silence as readSilence, silences } from '../../providers/alertmanager/http-api.js';
import type { AlertmanagerActor, SilenceSpec } from '../../providers/alertmanager/http-api.js';

interface SilenceAction {
  /** The body of POST /api/v2/silences, literally, except the times, which are set when it runs. */
  matchers: SilenceSpec['matchers'];
  durationMinutes: number;
  createdBy: string;
  /** The comment as given, then the key that makes a retry find the silence instead of adding a second. */
  comment: string;
}

interface ExpireAction {
  silenceId: string;
}

/** `amtool`'s way of writing matchers: alertname="KubePodCrashLooping", namespace=~"shop|cart". */
export function describeMatchers(matchers: SilenceSpec['matchers']): string {
  return matchers.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`).join(', ');
}

/**
 * Silence alerts as `amtool silence add` does: POST /api/v2/silences with matchers, a start
 * and an end, the author and a comment (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml).
 * The plan asks Alertmanager which alerts the matchers catch right now, as `amtool alert query`
 * would. The comment carries a key fixed at plan time, so a retried execute finds the silence it
 * made instead of making a second one.
 */
export const silence: ExternalOperationModule<'silence', AlertmanagerActor, SilenceAction> = {
  system: 'alertmanager',
  kind: 'silence',
  async plan(client, target, { matchers, durationMinutes, comment }) {
    const full = matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex ?? false, isEqual: m.isEqual ?? true }));
    const caught = await alertsMatching(client, full);
    const names = [...new Set(caught.map((a) => a.labels.alertname ?? 'alert'))];
    const risks: Risk[] = [];
    if (caught.length === 0) risks.push({ code: 'no-change', severity: 'info', message: 'No alert matches these matchers right now; the silence will hold alerts that match later.' });
    const paging = caught.filter((a) => a.status.silencedBy.length === 0 && a.status.inhibitedBy.length === 0);
    if (paging.length > 0) risks.push({ code: 'pages-someone', severity: 'warning', message: `${paging.length} alert${paging.length === 1 ? '' : 's'} now notifying ${[...new Set(paging.flatMap((a) => a.receivers.map((r) => r.name)))].join(', ') || 'receivers'} will stop notifying anyone until the silence ends.` });
    const until = `${durationMinutes} min`;
    const key = `daytwo-plan:${randomUUID()}`;
    return {
      summary: `Silence ${caught.length} alert${caught.length === 1 ? '' : 's'}${names.length > 0 ? ` (${names.slice(0, 5).join(', ')})` : ''} matching ${describeMatchers(full)} on ${target.name} for ${until}.`,
      changes: [
        { field: 'silence.matchers', before: null, after: describeMatchers(full) },
        { field: 'silence.duration', before: null, after: until },
        { field: 'silence.comment', before: null, after: comment },
        ...caught.slice(0, 20).map((a) => ({ field: `alert ${a.labels.alertname ?? a.fingerprint}`, before: a.status.state, after: 'suppressed' })),
      ],
      risks,
      action: { matchers: full, durationMinutes, createdBy: client.user, comment: `${comment} (${key})` },
      // The matchers, not the alerts they catch: alerts come and go, and the silence is about the matchers.
      fingerprint: `reachable`,
      verb: `silence ${describeMatchers(full)} for ${until}`,
    };
  },
  async fingerprint(client) {
    await silences(client);
    return 'reachable';
  },
  async execute(run, action) {
    const existing = (await silences(run.client)).find((s) => s.comment === action.comment && s.status.state !== 'expired');
    if (existing) {
      run.report(`Silence ${existing.id} already exists; nothing sent.`);
      return;
    }
    const now = run.now();
    const id = await createSilence(run.client, {
      matchers: action.matchers,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + action.durationMinutes * 60_000).toISOString(),
      createdBy: action.createdBy,
      comment: action.comment,
    });
    run.report(`Silence ${id} created.`);
  },
  verify(run, action) {
    return watchUntil(run, async () => {
      const made = (await silences(run.client)).find((s) => s.comment === action.comment);
      if (!made) return { done: false, message: 'Waiting for Alertmanager to list the silence…' };
      return { done: made.status.state === 'active', failed: made.status.state === 'expired', message: `Silence ${made.id} is ${made.status.state} until ${made.endsAt}.` };
    });
  },
};

/**
 * Expire a silence now, as `amtool silence expire` does: DELETE /api/v2/silence/{id}. The alerts
 * it held notify again at their next evaluation. An already expired silence is left alone.
 */
export const expireSilence: ExternalOperationModule<'expire-silence', AlertmanagerActor, ExpireAction> = {
  system: 'alertmanager',
  kind: 'expire-silence',
  async plan(client, target, { silenceId }) {
    const found = await readSilence(client, silenceId);
    if (!found) throw new ApiError('not_found', `${target.name} has no silence ${silenceId}.`, 'params.silenceId');
    if (found.status.state === 'expired') throw new ApiError('conflict', `Silence ${silenceId} already expired at ${found.endsAt}; there is nothing to expire.`);
    const held = await alertsMatching(client, found.matchers.map((m) => ({ ...m, isEqual: m.isEqual ?? true })));
    return {
      summary: `Expire silence ${silenceId} (${describeMatchers(found.matchers.map((m) => ({ ...m, isEqual: m.isEqual ?? true })))}, by ${found.createdBy}: "${found.comment}") on ${target.name}; ${held.length} alert${held.length === 1 ? '' : 's'} it holds will notify again.`,
      changes: [{ field: 'silence.state', before: found.status.state, after: 'expired' }, { field: 'silence.endsAt', before: found.endsAt, after: 'now' }],
      risks: held.length > 0 ? [{ code: 'pages-someone', severity: 'warning', message: `${held.length} alert${held.length === 1 ? '' : 's'} will notify again.` }] : [],
      action: { silenceId },
      // The target is the Alertmanager, not the silence: execute re-reads the silence and skips an expired one.
      fingerprint: 'reachable',
      verb: `expire silence ${silenceId.slice(0, 8)}`,
    };
  },
  async fingerprint(client) {
    await silences(client);
    return 'reachable';
  },
  async execute(run, { silenceId }) {
    const found = await readSilence(run.client, silenceId);
    if (found?.status.state === 'expired') {
      run.report(`Silence ${silenceId} is already expired; nothing sent.`);
      return;
    }
    await expireSilenceCall(run.client, silenceId);
    run.report(`Silence ${silenceId} expired.`);
  },
  verify(run, { silenceId }) {
    return watchUntil(run, async () => {
      const found = await readSilence(run.client, silenceId);
      return { done: !found || found.status.state === 'expired', message: `Silence ${silenceId} is ${found?.status.state ?? 'gone'}.` };
    });
  },
};
