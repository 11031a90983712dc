import { describe, expect, it } from 'vitest';
import { Directory } from '../../../electron/engine/sandbox/pagerduty/directory.js';
import { IncidentBook, IncidentRefusal } from '../../../electron/engine/sandbox/pagerduty/incident-book.js';
import { T0, services } from './fake-world.js';

/** The sandbox's PagerDuty account behaves as PagerDuty does when incidents come and go. */

function account(seed = 42) {
  let now = T0;
  const directory = new Directory(seed, services, T0);
  const book = new IncidentBook(directory, seed, () => now);
  return { directory, book, tick: (ms: number) => (now += ms) };
}

const alarm = (serviceId: string, key = 'arn:aws:cloudwatch:us-east-1:1:alarm:checkout-5xx-high') => ({
  serviceId,
  title: 'ALARM: checkout-5xx-high',
  description: 'More than 2% of requests fail.',
  incidentKey: key,
  source: 'Amazon CloudWatch',
});

describe('the sandbox PagerDuty account', () => {
  it('has the same ids for the same seed, shaped like PagerDuty\'s', () => {
    const a = account(42).directory;
    const b = account(42).directory;
    expect(a.services.map((s) => s.id)).toEqual(b.services.map((s) => s.id));
    for (const id of [...a.services, ...a.users, ...a.teams].map((x) => x.id)) expect(id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(new Set([...a.services, ...a.users, ...a.teams].map((x) => x.id)).size).toBe(a.services.length + a.users.length + a.teams.length);
    expect(account(7).directory.services[0]!.id).not.toBe(a.services[0]!.id);
    // The SRE Daytwo acts as is on every team, so every service is "theirs".
    expect(a.operator.teamIds).toEqual(a.teams.map((t) => t.id));
  });

  it('deduplicates a trigger into the open incident with the same key, and opens a new one once it is resolved', () => {
    const { directory, book, tick } = account();
    const service = directory.services[0]!;
    const first = book.trigger(alarm(service.id));
    tick(60_000);
    expect(book.trigger(alarm(service.id))).toBe(first);
    expect(book.list()).toHaveLength(1);
    expect(first.logEntries.map((e) => e.type)).toEqual(['trigger_log_entry', 'assign_log_entry']);
    book.resolve(first, directory.operator);
    const second = book.trigger(alarm(service.id));
    expect(second).not.toBe(first);
    expect(second.number).toBe(first.number + 1);
  });

  it('puts an acknowledged incident back to triggered when it is reassigned, and refuses changes once resolved', () => {
    const { directory, book } = account();
    const incident = book.trigger(alarm(directory.services[0]!.id));
    book.acknowledge(incident, directory.operator);
    expect(incident.status).toBe('acknowledged');
    const someoneElse = directory.users.find((u) => u.id !== incident.assignments[0]!.userId && u !== directory.operator)!;
    book.reassign(incident, [someoneElse], directory.operator);
    expect(incident.status).toBe('triggered');
    expect(incident.acknowledgements).toEqual([]);
    expect(incident.assignments.map((a) => a.userId)).toEqual([someoneElse.id]);
    book.resolve(incident, directory.operator);
    expect(() => book.acknowledge(incident, directory.operator)).toThrow(IncidentRefusal);
    expect(() => book.resolve(incident, directory.operator)).toThrow(/Invalid Input Provided/);
  });
});
