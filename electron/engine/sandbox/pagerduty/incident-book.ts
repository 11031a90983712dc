import { type Directory, PagerDutyIds, type User } from './directory.js';

/**
 * The sandbox account's incidents, their log entries and notes, changed the way PagerDuty
 * changes them: a trigger with an incident key already open is deduplicated into that incident
 * (https://developer.pagerduty.com/docs/events-api-v2/overview/#alert-de-duplication),
 * reassigning sends the incident back to triggered so the new assignee is paged, and every
 * change writes a log entry.
 */

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

export type LogEntryType = 'trigger_log_entry' | 'assign_log_entry' | 'acknowledge_log_entry' | 'resolve_log_entry' | 'annotate_log_entry';

export interface Agent {
  type: 'user_reference' | 'service_reference' | 'aws_cloudwatch_inbound_integration_reference';
  id: string;
  summary: string;
}

export interface LogEntry {
  id: string;
  type: LogEntryType;
  at: number;
  incidentId: string;
  agent: Agent;
  channel: { type: string; summary?: string; details?: string };
  summary: string;
  assigneeIds?: string[];
}

export interface Note {
  id: string;
  userId: string;
  content: string;
  at: number;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  description: string;
  incidentKey: string;
  serviceId: string;
  status: IncidentStatus;
  createdAt: number;
  updatedAt: number;
  lastStatusChangeAt: number;
  assignments: { at: number; userId: string }[];
  acknowledgements: { at: number; userId: string }[];
  logEntries: LogEntry[];
  notes: Note[];
}

export class IncidentRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export interface Trigger {
  serviceId: string;
  title: string;
  description: string;
  /** Deduplication key: a trigger with the key of an open incident joins it. */
  incidentKey: string;
  /** Who sent it, as the log entry's channel says. */
  source: string;
}

export class IncidentBook {
  private readonly incidents: Incident[] = [];
  private readonly ids: PagerDutyIds;
  private readonly entryIds: PagerDutyIds;
  private nextNumber = 1;

  constructor(
    private readonly directory: Directory,
    seed: number,
    private readonly now: () => number,
  ) {
    this.ids = new PagerDutyIds(seed, 'incidents');
    this.entryIds = new PagerDutyIds(seed, 'log-entries');
  }

  list(): readonly Incident[] {
    return this.incidents;
  }

  get(id: string): Incident | undefined {
    return this.incidents.find((i) => i.id === id);
  }

  trigger(trigger: Trigger): Incident {
    const open = this.incidents.find((i) => i.incidentKey === trigger.incidentKey && i.status !== 'resolved');
    if (open) return open;
    const service = this.directory.services.find((s) => s.id === trigger.serviceId);
    if (!service) throw new Error(`No PagerDuty service ${trigger.serviceId}.`);
    const policy = this.directory.escalationPolicies.find((p) => p.id === service.escalationPolicyId);
    const at = this.now();
    const incident: Incident = {
      id: this.ids.next(),
      number: this.nextNumber++,
      title: trigger.title,
      description: trigger.description,
      incidentKey: trigger.incidentKey,
      serviceId: service.id,
      status: 'triggered',
      createdAt: at,
      updatedAt: at,
      lastStatusChangeAt: at,
      assignments: policy ? [{ at, userId: policy.onCallUserId }] : [],
      acknowledgements: [],
      logEntries: [],
      notes: [],
    };
    this.incidents.push(incident);
    this.log(incident, 'trigger_log_entry', { type: 'aws_cloudwatch_inbound_integration_reference', id: `${service.id}-cw`, summary: 'Amazon CloudWatch' }, { type: 'api', summary: trigger.source, details: trigger.description }, `Triggered through the API.`);
    if (policy) {
      const serviceAgent: Agent = { type: 'service_reference', id: service.id, summary: service.name };
      this.log(incident, 'assign_log_entry', serviceAgent, { type: 'auto' }, `Assigned to ${this.userName(policy.onCallUserId)}.`, [policy.onCallUserId]);
    }
    return incident;
  }

  acknowledge(incident: Incident, by: User): void {
    if (incident.status === 'resolved') throw new IncidentRefusal(400, 2001, 'Invalid Input Provided', ['Incident Already Resolved']);
    const at = this.now();
    incident.acknowledgements.push({ at, userId: by.id });
    if (incident.status !== 'acknowledged') incident.lastStatusChangeAt = at;
    incident.status = 'acknowledged';
    this.log(incident, 'acknowledge_log_entry', userAgent(by), { type: 'api' }, `Acknowledged by ${by.name}.`);
  }

  resolve(incident: Incident, by: User): void {
    if (incident.status === 'resolved') throw new IncidentRefusal(400, 2001, 'Invalid Input Provided', ['Incident Already Resolved']);
    incident.status = 'resolved';
    incident.lastStatusChangeAt = this.now();
    incident.acknowledgements = [];
    this.log(incident, 'resolve_log_entry', userAgent(by), { type: 'api' }, `Resolved by ${by.name}.`);
  }

  reassign(incident: Incident, to: readonly User[], by: User): void {
    if (incident.status === 'resolved') throw new IncidentRefusal(400, 2001, 'Invalid Input Provided', ['Incident Already Resolved']);
    const at = this.now();
    incident.assignments = to.map((u) => ({ at, userId: u.id }));
    // A new assignee must be paged, so an acknowledged incident goes back to triggered.
    if (incident.status === 'acknowledged') {
      incident.status = 'triggered';
      incident.acknowledgements = [];
      incident.lastStatusChangeAt = at;
    }
    this.log(incident, 'assign_log_entry', userAgent(by), { type: 'api' }, `Reassigned to ${to.map((u) => u.name).join(', ')} by ${by.name}.`, to.map((u) => u.id));
  }

  addNote(incident: Incident, content: string, by: User): Note {
    const note = { id: this.ids.next(), userId: by.id, content, at: this.now() };
    incident.notes.push(note);
    this.log(incident, 'annotate_log_entry', userAgent(by), { type: 'note', summary: content }, `Note added by ${by.name}.`);
    return note;
  }

  private log(incident: Incident, type: LogEntryType, agent: Agent, channel: LogEntry['channel'], summary: string, assigneeIds?: string[]): void {
    const at = this.now();
    incident.updatedAt = at;
    incident.logEntries.push({ id: this.entryIds.next('R', 13), type, at, incidentId: incident.id, agent, channel, summary, ...(assigneeIds ? { assigneeIds } : {}) });
  }

  private userName(id: string): string {
    return this.directory.users.find((u) => u.id === id)?.name ?? id;
  }
}

function userAgent(user: User): Agent {
  return { type: 'user_reference', id: user.id, summary: user.name };
}
