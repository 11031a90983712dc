import type { Directory, Service, Team, User } from './directory.js';
import type { Incident, LogEntry, Note } from './incident-book.js';

/**
 * Objects as PagerDuty's REST API v2 writes them: every reference carries id, type, summary,
 * self and html_url; times are ISO 8601 in UTC without milliseconds
 * (https://developer.pagerduty.com/api-reference/).
 */

export interface Urls {
  /** API base, e.g. https://127.0.0.1:4000/pagerduty. */
  api: string;
  /** Where a person would open it; the sandbox has no web UI, so a stable made-up host. */
  web: string;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function ref(urls: Urls, type: string, id: string, summary: string, path: string, webPath: string = path): object {
  return { id, type, summary, self: `${urls.api}/${path}/${id}`, html_url: `${urls.web}/${webPath}/${id}` };
}

export function teamRef(urls: Urls, team: Team): object {
  return ref(urls, 'team_reference', team.id, team.name, 'teams');
}

export function userRef(urls: Urls, user: User): object {
  return ref(urls, 'user_reference', user.id, user.name, 'users');
}

export function serviceRef(urls: Urls, service: Service): object {
  return ref(urls, 'service_reference', service.id, service.name, 'services', 'service-directory');
}

export function userObject(urls: Urls, directory: Directory, user: User): object {
  return {
    ...ref(urls, 'user', user.id, user.name, 'users'),
    name: user.name,
    email: user.email,
    time_zone: 'Etc/UTC',
    role: user === directory.operator ? 'admin' : 'user',
    teams: user.teamIds.flatMap((id) => directory.teams.filter((t) => t.id === id).map((t) => teamRef(urls, t))),
  };
}

export function serviceObject(urls: Urls, directory: Directory, service: Service, open: readonly Incident[]): object {
  const policy = directory.escalationPolicies.find((p) => p.id === service.escalationPolicyId);
  const team = directory.teams.find((t) => t.id === service.teamId);
  const mine = open.filter((i) => i.serviceId === service.id && i.status !== 'resolved');
  return {
    ...ref(urls, 'service', service.id, service.name, 'services', 'service-directory'),
    name: service.name,
    description: service.description,
    status: mine.some((i) => i.status === 'triggered') ? 'critical' : mine.length > 0 ? 'warning' : 'active',
    created_at: iso(service.createdAt),
    last_incident_timestamp: mine.length > 0 ? iso(Math.max(...mine.map((i) => i.createdAt))) : null,
    escalation_policy: policy ? ref(urls, 'escalation_policy_reference', policy.id, policy.name, 'escalation_policies') : null,
    teams: team ? [teamRef(urls, team)] : [],
    incident_urgency_rule: { type: 'constant', urgency: 'high' },
  };
}

export function incidentObject(urls: Urls, directory: Directory, incident: Incident): object {
  const service = directory.services.find((s) => s.id === incident.serviceId) as Service;
  const policy = directory.escalationPolicies.find((p) => p.id === service.escalationPolicyId);
  const team = directory.teams.find((t) => t.id === service.teamId);
  const user = (id: string) => directory.users.find((u) => u.id === id) as User;
  const first = incident.logEntries[0] as LogEntry;
  return {
    ...ref(urls, 'incident', incident.id, `[#${incident.number}] ${incident.title}`, 'incidents'),
    incident_number: incident.number,
    title: incident.title,
    description: incident.description,
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    status: incident.status,
    incident_key: incident.incidentKey,
    service: serviceRef(urls, service),
    assignments: incident.assignments.map((a) => ({ at: iso(a.at), assignee: userRef(urls, user(a.userId)) })),
    assigned_via: 'escalation_policy',
    acknowledgements: incident.acknowledgements.map((a) => ({ at: iso(a.at), acknowledger: userRef(urls, user(a.userId)) })),
    last_status_change_at: iso(incident.lastStatusChangeAt),
    first_trigger_log_entry: ref(urls, 'trigger_log_entry_reference', first.id, first.summary, 'log_entries'),
    escalation_policy: policy ? ref(urls, 'escalation_policy_reference', policy.id, policy.name, 'escalation_policies') : null,
    teams: team ? [teamRef(urls, team)] : [],
    urgency: 'high',
    priority: null,
    resolve_reason: null,
    alert_counts: { all: 1, triggered: incident.status === 'resolved' ? 0 : 1, resolved: incident.status === 'resolved' ? 1 : 0 },
    incident_type: { name: 'incident_default' },
  };
}

export function logEntryObject(urls: Urls, directory: Directory, incident: Incident, entry: LogEntry): object {
  const service = directory.services.find((s) => s.id === incident.serviceId) as Service;
  const agent = entry.agent.type === 'user_reference' ? userRef(urls, directory.users.find((u) => u.id === entry.agent.id) as User) : { id: entry.agent.id, type: entry.agent.type, summary: entry.agent.summary };
  return {
    ...ref(urls, entry.type, entry.id, entry.summary, 'log_entries'),
    created_at: iso(entry.at),
    agent,
    channel: entry.channel,
    service: serviceRef(urls, service),
    incident: ref(urls, 'incident_reference', incident.id, `[#${incident.number}] ${incident.title}`, 'incidents'),
    teams: directory.teams.filter((t) => t.id === service.teamId).map((t) => teamRef(urls, t)),
    contexts: [],
    ...(entry.assigneeIds
      ? { assignees: entry.assigneeIds.flatMap((id) => directory.users.filter((u) => u.id === id).map((u) => userRef(urls, u))) }
      : {}),
    ...(entry.type === 'trigger_log_entry' ? { event_details: { description: incident.title } } : {}),
  };
}

export function noteObject(urls: Urls, directory: Directory, note: Note): object {
  const user = directory.users.find((u) => u.id === note.userId) as User;
  return { id: note.id, user: userRef(urls, user), content: note.content, created_at: iso(note.at) };
}
