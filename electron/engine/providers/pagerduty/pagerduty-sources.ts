import type { OutboxNote, PagerDutyIncident, PagerDutyStatus, PagerDutyTimelineItem } from '../../../../shared/api/pagerduty.js';
import { ApiError } from '../../../../shared/api/errors.js';
import type { SourceRegistry } from '../../sources/source-registry.js';
import type { ExternalSystem, ExternalTarget } from '../../operations/external-operation.js';
import type { StoreDatabase } from '../../store/database.js';
import { PagerDutyError, type PagerDutyClient, type PagerDutyConnection } from './pagerduty-client.js';
import { RawUser } from './incident-shapes.js';
import { IncidentLinks, type IncidentLink } from './incident-links.js';
import { logEntryTimeline } from './log-entry-timeline.js';
import { NoteOutbox, type NoteInput } from './note-outbox.js';
import { PagerDutySource } from './pagerduty-source.js';

export interface PagerDutySourcesOptions {
  db: StoreDatabase;
  registry: SourceRegistry;
  connections: readonly PagerDutyConnection[];
  sandbox: boolean;
  intervalMs?: number;
  log?(message: string): void;
}

/**
 * Every configured PagerDuty account, and what the rest of the engine asks of them: incidents
 * to list, log entries for a timeline, notes to mirror (through the outbox), and the seam the
 * operations service acts through.
 */
export class PagerDutySources {
  readonly outbox: NoteOutbox;
  readonly links: IncidentLinks;
  private readonly sources = new Map<string, PagerDutySource>();

  constructor(private readonly options: PagerDutySourcesOptions) {
    this.outbox = new NoteOutbox(options.db);
    this.links = new IncidentLinks(options.db);
    for (const connection of options.connections) {
      const source = new PagerDutySource(connection, {
        registry: options.registry,
        sandbox: options.sandbox,
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
        onLive: (id) => this.flush(id),
        ...(options.log ? { log: options.log } : {}),
      });
      this.sources.set(source.id, source);
    }
  }

  start(): void {
    for (const source of this.sources.values()) source.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sources.values()].map((s) => s.stop()));
    await this.outbox.idle();
  }

  source(id: string): PagerDutySource | undefined {
    return this.sources.get(id);
  }

  /** Incidents as last read from every source, newest first. */
  incidents(statuses?: readonly PagerDutyStatus[]): { incidents: PagerDutyIncident[]; asOf: number | null; stale: boolean } {
    const all: PagerDutyIncident[] = [];
    let asOf: number | null = null;
    let stale = false;
    for (const source of this.sources.values()) {
      const read = source.incidents();
      if (!source.live) stale = true;
      if (!read) continue;
      all.push(...read.incidents.filter((i) => !statuses?.length || statuses.includes(i.status)));
      asOf = asOf === null ? read.asOf : Math.min(asOf, read.asOf);
    }
    return { incidents: all.sort((a, b) => b.createdAt - a.createdAt), asOf, stale };
  }

  /** A PagerDuty incident's log entries as timeline items, read live. */
  async logEntries(incident: string): Promise<PagerDutyTimelineItem[]> {
    const { source, target } = this.resolve(incident);
    return explained(() => logEntryTimeline(source.client, target.name));
  }

  async users(sourceId: string): Promise<{ id: string; name: string; email: string }[]> {
    const source = this.sources.get(sourceId);
    if (!source) throw new ApiError('not_found', `There is no PagerDuty source "${sourceId}".`);
    const users = await explained(() => source.client.all<unknown>('/users', 'users'));
    return users.map((u) => RawUser.parse(u)).map(({ id, name, email }) => ({ id, name, email }));
  }

  /**
   * Queues a note for a PagerDuty incident (`pagerduty:<server>/incidents/<id>`, or the bare id
   * when one PagerDuty source is configured). It is durable when this returns, and sent now if
   * the source is live, else when it is live again.
   */
  enqueueNote(incident: string, note: NoteInput): OutboxNote {
    const { source, target } = this.resolve(incident);
    const queued = this.outbox.enqueue(source.id, target.name, note, !source.live);
    if (source.live) this.flush(source.id);
    return queued;
  }

  /** Links a Daytwo incident to a PagerDuty incident of a configured source. */
  link(incidentId: string, incident: string): IncidentLink {
    const { target } = this.resolve(incident);
    return this.links.link(incidentId, target.id);
  }

  /**
   * A note written on a Daytwo incident, queued for every PagerDuty incident linked to it:
   * the one call the incidents feature makes per note.
   */
  mirrorNote(incidentId: string, note: NoteInput): OutboxNote[] {
    return this.links.of(incidentId).flatMap((link) => {
      try {
        return [this.enqueueNote(link.pagerduty, note)];
      } catch (error) {
        // A link to a PagerDuty account no longer configured: the note stays on the Daytwo incident.
        this.options.log?.(`PagerDuty: not mirroring a note of ${incidentId} to ${link.pagerduty}: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      }
    });
  }

  /** The log entries of every PagerDuty incident linked to a Daytwo incident, merged in time order. */
  async timelineOf(incidentId: string): Promise<PagerDutyTimelineItem[]> {
    const lists = await Promise.all(this.links.of(incidentId).map((link) => this.logEntries(link.pagerduty)));
    return lists.flat().sort((a, b) => a.occurredAt - b.occurredAt || a.recordedAt - b.recordedAt);
  }

  /** Sends what waits for the source; resolves when the queue is empty or stopped at a failure. */
  flush(sourceId: string): Promise<void> {
    const source = this.sources.get(sourceId);
    if (!source) return Promise.resolve();
    return this.outbox.flush(sourceId, source.client).catch((error) => this.options.log?.(`PagerDuty outbox: ${String(error)}`));
  }

  /** The seam operations act through (operations/external-operation.ts). */
  operationsAccess(): ExternalSystem<PagerDutyClient> {
    return {
      parseTarget: (id) => this.resolve(id).target,
      client: (target) => this.sources.get(target.sourceId)?.client,
      isLive: (target) => this.sources.get(target.sourceId)?.live ?? false,
      notLiveReason: (target) => this.sources.get(target.sourceId)?.notLiveReason() ?? `PagerDuty source ${target.sourceId} is not configured.`,
      actingAs: (target) => this.sources.get(target.sourceId)?.connection.from ?? null,
      explain: (error) => (error instanceof PagerDutyError ? explain(error) : undefined),
      changed: (target) => void this.sources.get(target.sourceId)?.refresh(),
    };
  }

  private resolve(incident: string): { source: PagerDutySource; target: ExternalTarget } {
    const m = /^(pagerduty:.+)\/incidents\/([A-Z0-9]{2,32})$/.exec(incident);
    let source: PagerDutySource | undefined;
    let id: string;
    if (m) {
      source = this.sources.get(m[1] as string);
      id = m[2] as string;
    } else if (/^[A-Z0-9]{2,32}$/.test(incident) && this.sources.size === 1) {
      source = [...this.sources.values()][0];
      id = incident;
    } else {
      throw new ApiError('bad_request', `"${incident}" is not a PagerDuty incident: expected pagerduty:<server>/incidents/<id>.`, 'target');
    }
    if (!source) throw new ApiError('not_found', `No PagerDuty source is configured for "${incident}".`);
    return { source, target: { id: `${source.id}/incidents/${id}`, sourceId: source.id, name: id } };
  }
}

function explain(error: PagerDutyError): ApiError {
  if (error.status === 0) return new ApiError('unavailable', error.message);
  if (error.status === 401) return new ApiError('unauthorized', `${error.message}. The PagerDuty API key was refused.`);
  if (error.status === 403) return new ApiError('forbidden', error.message);
  if (error.status === 404) return new ApiError('not_found', error.message);
  if (error.status === 400) return new ApiError('bad_request', error.message);
  return new ApiError('unavailable', error.message);
}

async function explained<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof PagerDutyError ? explain(error) : error;
  }
}
