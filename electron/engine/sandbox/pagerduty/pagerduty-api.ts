import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AlarmAction } from '../cloudwatch/alarms.js';
import { Directory, type User } from './directory.js';
import { IncidentBook, IncidentRefusal, type Incident, type IncidentStatus } from './incident-book.js';
import { TokenRateLimit } from './rate-limit.js';
import { type Urls, incidentObject, logEntryObject, noteObject, serviceObject, userObject } from './representation.js';
import type { SandboxWorld } from '../world.js';

/**
 * The part of PagerDuty's REST API v2 Daytwo uses, under /pagerduty/ on the sandbox's port
 * (https://developer.pagerduty.com/api-reference/):
 *   GET  /services, /users                      classic offset/limit pagination; GET /users/{id}
 *   GET  /incidents                             statuses[], service_ids[], team_ids[], since, until, incident_key
 *   GET  /incidents/{id}, PUT /incidents/{id}   status acknowledged/resolved, assignments (From required)
 *   GET  /incidents/{id}/log_entries            paginated, newest first
 *   GET  /incidents/{id}/notes, POST (From required)
 * Every call needs `Authorization: Token token=<key>`; a token over its rate limit gets 429 with
 * Retry-After. Admin switches for tests live under /sandbox/pagerduty/: `rate-limit`,
 * `outage` (connections dropped without an answer, as when the network is gone) and
 * `lose-answers` (the next N changes are applied, then the connection drops unanswered).
 */

const PREFIX = '/pagerduty';

/** PagerDuty's error codes (https://developer.pagerduty.com/docs/rest-api-v2/errors/). */
const codes = { invalidInput: 2001, authenticationFailed: 2006, fromRequired: 2011, notFound: 2100, rateLimited: 2020 } as const;

const putIncident = z.object({
  incident: z
    .object({
      type: z.enum(['incident', 'incident_reference']),
      status: z.enum(['acknowledged', 'resolved']).optional(),
      assignments: z.array(z.object({ assignee: z.object({ id: z.string(), type: z.literal('user_reference') }) })).min(1).optional(),
    })
    .refine((i) => i.status !== undefined || i.assignments !== undefined, 'Give a status or assignments.'),
});

const postNote = z.object({ note: z.object({ content: z.string().min(1).max(25_000) }) });

export class PagerDutyApi {
  readonly directory: Directory;
  readonly incidents: IncidentBook;
  readonly rateLimit = new TokenRateLimit();
  private down = false;
  /** Changes still to apply whose answer is then lost: the ambiguous failure a client must survive. */
  private loseAnswers = 0;
  /** Calls answered, 429s included: lets a test see that a client retried. */
  calls = 0;

  constructor(
    world: SandboxWorld,
    /** The API token the sandbox accepts: random per launch, written to the connection file. */
    private readonly token: string,
    private readonly base: () => string,
  ) {
    this.directory = new Directory(world.seed, world.services, world.now() - 30 * 86_400_000);
    this.incidents = new IncidentBook(this.directory, world.seed, () => world.now());
  }

  /**
   * What PagerDuty's Amazon CloudWatch integration does with an alarm's SNS notification: a
   * triggered incident on the service that pages for the alarm's estate service, deduplicated
   * by alarm name while one is open.
   */
  onAlarmAction(action: AlarmAction): void {
    if (action.state !== 'ALARM') return;
    const service = this.directory.serviceForEstate(action.serviceId);
    if (!service) return;
    this.incidents.trigger({
      serviceId: service.id,
      title: `ALARM: "${action.alarmName}" in ${action.region}`,
      description: action.description,
      incidentKey: action.alarmArn,
      source: `Amazon CloudWatch via ${action.topicArn}`,
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname.startsWith('/sandbox/pagerduty/')) return this.admin(req, res, url);
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return false;
    if (this.down) {
      // The network is gone: no status, no body, the connection just ends.
      req.socket.destroy();
      return true;
    }
    this.calls++;
    const send = (status: number, body: object, headers: Record<string, string> = {}) => reply(res, status, body, headers);
    const token = /^Token token=(.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token !== this.token) return send(401, { error: { message: 'Authentication failed', code: codes.authenticationFailed } });
    const wait = this.rateLimit.take(token, Date.now());
    if (wait !== null) return send(429, { error: { message: 'Rate Limit Exceeded', code: codes.rateLimited } }, { 'retry-after': String(wait) });
    const accept = req.headers.accept ?? '';
    const version = /application\/vnd\.pagerduty\+json;\s*version=(\d+)/.exec(accept)?.[1];
    if (version !== undefined && version !== '2') return send(406, { error: { message: `API version ${version} is not served here; use version=2.`, code: codes.invalidInput } });
    const body = await readBody(req);
    try {
      const answer = this.route(req.method ?? 'GET', url, body, req.headers.from);
      if (this.loseAnswers > 0 && (req.method === 'PUT' || req.method === 'POST')) {
        // Applied, but the connection drops before the answer: the client cannot tell whether it landed.
        this.loseAnswers--;
        req.socket.destroy();
        return true;
      }
      return send(...answer);
    } catch (error) {
      if (error instanceof IncidentRefusal) return send(error.status, { error: { message: error.message, code: error.code, errors: error.details } });
      throw error;
    }
  }

  private route(method: string, url: URL, body: string, from: string | string[] | undefined): [number, object] {
    const path = url.pathname.slice(PREFIX.length).replace(/\/+$/, '');
    const q = url.searchParams;
    const urls = this.urls();
    if (method === 'GET' && path === '/services') {
      const teams = list(q, 'team_ids');
      const query = q.get('query')?.toLowerCase();
      const found = this.directory.services.filter((s) => (teams.length === 0 || teams.includes(s.teamId)) && (!query || s.name.toLowerCase().includes(query)));
      return [200, page(q, 'services', found.map((s) => serviceObject(urls, this.directory, s, this.incidents.list())))];
    }
    if (method === 'GET' && path === '/users') {
      const teams = list(q, 'team_ids');
      const query = q.get('query')?.toLowerCase();
      const found = this.directory.users.filter((u) => (teams.length === 0 || u.teamIds.some((t) => teams.includes(t))) && (!query || u.name.toLowerCase().includes(query) || u.email.includes(query)));
      return [200, page(q, 'users', found.map((u) => userObject(urls, this.directory, u)))];
    }
    const userPath = /^\/users\/([A-Z0-9]+)$/.exec(path);
    if (method === 'GET' && userPath) {
      const user = this.directory.users.find((u) => u.id === userPath[1]);
      if (!user) throw new IncidentRefusal(404, codes.notFound, 'Not Found', [`User ${userPath[1]} not found.`]);
      return [200, { user: userObject(urls, this.directory, user) }];
    }
    if (method === 'GET' && path === '/incidents') return [200, page(q, 'incidents', this.findIncidents(q).map((i) => incidentObject(urls, this.directory, i)))];
    const m = /^\/incidents\/([A-Z0-9]+)(\/log_entries|\/notes)?$/.exec(path);
    if (!m) throw new IncidentRefusal(404, codes.notFound, 'Not Found');
    const incident = this.incidents.get(m[1] as string);
    if (!incident) throw new IncidentRefusal(404, codes.notFound, 'Not Found', [`Incident ${m[1]} not found.`]);
    const sub = m[2];
    if (!sub && method === 'GET') return [200, { incident: incidentObject(urls, this.directory, incident) }];
    if (!sub && method === 'PUT') {
      const by = this.requireFrom(from);
      const change = parse(putIncident, body).incident;
      if (change.assignments) this.incidents.reassign(incident, change.assignments.map((a) => this.user(a.assignee.id)), by);
      if (change.status === 'acknowledged') this.incidents.acknowledge(incident, by);
      if (change.status === 'resolved') this.incidents.resolve(incident, by);
      return [200, { incident: incidentObject(urls, this.directory, incident) }];
    }
    if (sub === '/log_entries' && method === 'GET') {
      const entries = [...incident.logEntries].reverse().map((e) => logEntryObject(urls, this.directory, incident, e));
      return [200, page(q, 'log_entries', entries)];
    }
    if (sub === '/notes' && method === 'GET') return [200, { notes: incident.notes.map((n) => noteObject(urls, this.directory, n)) }];
    if (sub === '/notes' && method === 'POST') {
      const by = this.requireFrom(from);
      const note = this.incidents.addNote(incident, parse(postNote, body).note.content, by);
      return [201, { note: noteObject(urls, this.directory, note) }];
    }
    throw new IncidentRefusal(405, codes.invalidInput, 'Method Not Allowed');
  }

  private findIncidents(q: URLSearchParams): Incident[] {
    const statuses = list(q, 'statuses') as IncidentStatus[];
    const services = list(q, 'service_ids');
    const teams = list(q, 'team_ids');
    const key = q.get('incident_key');
    const since = time(q, 'since');
    const until = time(q, 'until');
    if (since !== null && until !== null && since > until) throw new IncidentRefusal(400, 2004, "Invalid 'since' or 'until' Parameter Values");
    return this.incidents.list().filter((i) => {
      const service = this.directory.services.find((s) => s.id === i.serviceId);
      return (
        (statuses.length === 0 || statuses.includes(i.status)) &&
        (services.length === 0 || services.includes(i.serviceId)) &&
        (teams.length === 0 || (service !== undefined && teams.includes(service.teamId))) &&
        (key === null || i.incidentKey === key) &&
        (since === null || i.createdAt >= since) &&
        (until === null || i.createdAt < until)
      );
    });
  }

  private requireFrom(from: string | string[] | undefined): User {
    const email = Array.isArray(from) ? from[0] : from;
    if (!email) throw new IncidentRefusal(400, codes.fromRequired, 'You must specify a user\'s email address in the "From" header to perform this action', ['From header is required']);
    const user = this.directory.userByEmail(email);
    if (!user) throw new IncidentRefusal(400, codes.invalidInput, 'Invalid Input Provided', [`From header must be the email of a user of this account; ${email} is not.`]);
    return user;
  }

  private user(id: string): User {
    const user = this.directory.users.find((u) => u.id === id);
    if (!user) throw new IncidentRefusal(400, codes.invalidInput, 'Invalid Input Provided', [`Assignee ${id} is not a user of this account.`]);
    return user;
  }

  private urls(): Urls {
    return { api: `${this.base()}${PREFIX}`, web: 'https://daytwo-sandbox.pagerduty.example' };
  }

  /** POST /sandbox/pagerduty/rate-limit {requests, windowSeconds}; POST /sandbox/pagerduty/outage {down}. */
  private async admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const body = await readBody(req);
    if (req.method !== 'POST') return reply(res, 405, { error: 'Use POST.' });
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      return reply(res, 400, { error: 'Body must be JSON.' });
    }
    if (url.pathname === '/sandbox/pagerduty/rate-limit') {
      const { requests, windowSeconds } = input;
      if (typeof requests !== 'number' || !Number.isInteger(requests) || requests < 1 || typeof windowSeconds !== 'number' || windowSeconds <= 0 || windowSeconds > 3600) {
        return reply(res, 400, { error: '"requests" must be a positive integer and "windowSeconds" a number of seconds up to 3600.' });
      }
      this.rateLimit.configure(requests, windowSeconds * 1000);
      return reply(res, 200, this.rateLimit.settings);
    }
    if (url.pathname === '/sandbox/pagerduty/outage') {
      if (typeof input['down'] !== 'boolean') return reply(res, 400, { error: '"down" must be true or false.' });
      this.down = input['down'];
      return reply(res, 200, { down: this.down });
    }
    if (url.pathname === '/sandbox/pagerduty/lose-answers') {
      const count = input['count'];
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 100) return reply(res, 400, { error: '"count" must be an integer from 0 to 100.' });
      this.loseAnswers = count;
      return reply(res, 200, { loseAnswers: count });
    }
    return reply(res, 404, { error: 'Known: /sandbox/pagerduty/rate-limit, /sandbox/pagerduty/outage, /sandbox/pagerduty/lose-answers.' });
  }
}

/** Classic pagination: offset, limit (max 100), more, and total only when asked with total=true. */
function page(q: URLSearchParams, key: string, items: object[]): object {
  const limit = Math.min(100, Math.max(1, Number.parseInt(q.get('limit') ?? '25', 10) || 25));
  const offset = Math.max(0, Number.parseInt(q.get('offset') ?? '0', 10) || 0);
  return {
    [key]: items.slice(offset, offset + limit),
    limit,
    offset,
    more: offset + limit < items.length,
    total: q.get('total') === 'true' ? items.length : null,
  };
}

/** `statuses[]=a&statuses[]=b`, as clients send arrays; the bare name is accepted too. */
function list(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(`${name}[]`), ...q.getAll(name)];
}

function time(q: URLSearchParams, name: string): number | null {
  const text = q.get(name);
  if (text === null) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new IncidentRefusal(400, 2004, "Invalid 'since' or 'until' Parameter Values", [`${name} is not a date: ${text}`]);
  return ms;
}

function parse<T>(schema: z.ZodType<T>, body: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new IncidentRefusal(400, codes.invalidInput, 'Invalid Input Provided', ['The body must be JSON.']);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new IncidentRefusal(400, codes.invalidInput, 'Invalid Input Provided', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
  return true;
}
