import type { PagerDutyIncident } from '../../../../shared/api/pagerduty.js';
import type { SourceRegistry } from '../../sources/source-registry.js';
import { verdictFor } from '../source-status.js';
import { sleep } from '../../abortable-sleep.js';
import { PagerDutyClient, PagerDutyError, type PagerDutyConnection } from './pagerduty-client.js';
import { RawIncident, RawService, RawUser } from './incident-shapes.js';

/** Incidents resolved longer ago than this are not listed. */
const RESOLVED_WINDOW_MS = 7 * 86_400_000;
/** Service ids asked for in one incidents request: about 1.4 KB of query, well inside any server's limit. */
const SERVICE_IDS_PER_REQUEST = 50;

export interface PagerDutySourceOptions {
  registry: SourceRegistry;
  sandbox: boolean;
  /** How often the incident list is read again. */
  intervalMs?: number;
  /** Called after every successful read: the moment to flush what waited for the source. */
  onLive?(sourceId: string): void;
  log?(message: string): void;
}

/**
 * One PagerDuty account as a Source: it reads, every interval, the incidents of the user's
 * services (the services of the teams the `From` user belongs to) and reports its state in the
 * source registry: live after a good read, offline when PagerDuty cannot be reached,
 * unauthorized on a 401. What it read last stays available while it is not live.
 */
export class PagerDutySource {
  readonly client: PagerDutyClient;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private latest: { incidents: PagerDutyIncident[]; asOf: number } | null = null;
  private userId: string | null = null;

  constructor(
    readonly connection: PagerDutyConnection,
    private readonly options: PagerDutySourceOptions,
  ) {
    this.client = new PagerDutyClient(connection, { signal: this.stopping.signal });
    options.registry.upsert({
      id: connection.sourceId,
      kind: 'pagerduty',
      name: 'PagerDuty',
      location: `https://${connection.server}`,
      state: 'connecting',
      reason: 'Reading incidents…',
      lastSyncAt: null,
      enabled: true,
      sandbox: options.sandbox,
    });
  }

  get id(): string {
    return this.connection.sourceId;
  }

  get live(): boolean {
    return this.options.registry.get(this.id)?.state === 'live';
  }

  notLiveReason(): string {
    const source = this.options.registry.get(this.id);
    if (!source) return `PagerDuty source ${this.id} is not configured.`;
    const since = source.lastSyncAt ? ` (last live ${new Date(source.lastSyncAt).toISOString()})` : '';
    return `PagerDuty (${source.location}) is ${source.state}: ${source.reason}${since}.`;
  }

  /** What the last good read found, and when; null before the first. */
  incidents(): { incidents: PagerDutyIncident[]; asOf: number } | null {
    return this.latest;
  }

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopping.signal.aborted) {
        await this.refresh();
        await sleep(this.options.intervalMs ?? 30_000, this.stopping.signal);
      }
    })();
  }

  /** Reads the incident list now and updates the source's state; never throws. */
  async refresh(): Promise<void> {
    try {
      const incidents = await this.read();
      this.latest = { incidents, asOf: Date.now() };
      this.options.registry.update(this.id, { state: 'live', reason: `${incidents.length} incident(s) on your services.`, remedy: undefined, lastSyncAt: Date.now() });
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      const e = error instanceof PagerDutyError ? error : new PagerDutyError(error instanceof Error ? error.message : String(error), 0);
      const verdict = verdictFor({ status: e.status, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) }, `PagerDuty at ${this.connection.server}`, 'pagerduty');
      this.options.registry.update(this.id, { state: verdict.state, reason: verdict.reason, remedy: verdict.remedy });
      this.options.log?.(`PagerDuty ${this.connection.server}: ${verdict.reason}`);
      return;
    }
    this.options.onLive?.(this.id);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.client.close();
  }

  /** The user's teams → their services → those services' incidents, open or recently resolved. */
  private async read(): Promise<PagerDutyIncident[]> {
    const me = await this.me();
    const teamIds = me.teams.map((t) => t.id);
    const services = teamIds.length === 0 ? [] : (await this.client.all<unknown>('/services', 'services', { 'team_ids[]': teamIds })).map((s) => RawService.parse(s));
    if (services.length === 0) return [];
    const since = new Date(Date.now() - RESOLVED_WINDOW_MS).toISOString();
    // A few dozen services a request: every id is a query parameter, and a team with hundreds
    // of services made one URL past what an HTTP server takes in a request's head (Node's and
    // the sandbox's answered 431 at 10,000 pods, and the source never synced).
    const raw: unknown[] = [];
    for (let at = 0; at < services.length; at += SERVICE_IDS_PER_REQUEST) {
      const ids = services.slice(at, at + SERVICE_IDS_PER_REQUEST).map((s) => s.id);
      raw.push(...(await this.client.all<unknown>('/incidents', 'incidents', { 'service_ids[]': ids, since })));
    }
    return raw.map((r) => this.describe(RawIncident.parse(r)));
  }

  private async me(): Promise<RawUser> {
    if (this.userId) {
      const body = await this.client.get<{ user?: unknown }>(`/users/${encodeURIComponent(this.userId)}`);
      return RawUser.parse(body.user);
    }
    const users = (await this.client.all<unknown>('/users', 'users', { query: this.connection.from })).map((u) => RawUser.parse(u));
    const me = users.find((u) => u.email.toLowerCase() === this.connection.from.toLowerCase());
    if (!me) throw new PagerDutyError(`No PagerDuty user has the email ${this.connection.from}, which Daytwo sends as From.`, 400, 'ENOUSER');
    this.userId = me.id;
    return me;
  }

  private describe(incident: RawIncident): PagerDutyIncident {
    return {
      target: `${this.id}/incidents/${incident.id}`,
      id: incident.id,
      sourceId: this.id,
      number: incident.incident_number,
      title: incident.title,
      status: incident.status,
      urgency: incident.urgency,
      service: { id: incident.service.id, name: incident.service.summary },
      assignees: incident.assignments.map((a) => ({ id: a.assignee.id, name: a.assignee.summary })),
      createdAt: Date.parse(incident.created_at),
      lastStatusChangeAt: incident.last_status_change_at ? Date.parse(incident.last_status_change_at) : null,
      url: incident.html_url ?? null,
    };
  }
}
