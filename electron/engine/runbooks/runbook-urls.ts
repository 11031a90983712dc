import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors.js';
import type { ExternalRunbook, Runbook } from '../../../shared/api/runbooks.js';
import { parseRunbook, RunbookSyntaxError } from './parse-runbook.js';

interface CachedPage {
  url: string;
  fetchedAt: number;
  text: string;
}

/**
 * An alert's `runbook_url` annotation, fetched when online and kept in the data folder for
 * offline use (one JSON file per URL, named by its SHA-256). A page in Daytwo's format is a
 * runnable runbook (id `url-<hash>`); anything else (a wiki page, kube-prometheus's own
 * runbooks site) is shown read-only as its text. Only http(s), with a timeout and a size cap:
 * the URL comes from an alert rule, not from the person.
 */
export class RunbookUrls {
  private readonly runnable = new Map<string, Runbook>();

  constructor(
    private readonly dir: string,
    private readonly options: { timeoutMs?: number; maxBytes?: number; now?: () => number } = {},
  ) {}

  /** A runnable runbook fetched earlier in this session, by id. */
  get(id: string): Runbook | undefined {
    return this.runnable.get(id);
  }

  async fetch(url: string): Promise<ExternalRunbook> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ApiError('bad_request', `"${url}" is not a URL.`, 'runbookUrl');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ApiError('bad_request', 'A runbook URL must be http(s).', 'runbookUrl');
    const key = createHash('sha256').update(parsed.href).digest('hex');
    const file = path.join(this.dir, `${key}.json`);
    const now = (this.options.now ?? Date.now)();
    let page: CachedPage;
    let stale = false;
    let note: string | null = null;
    try {
      page = { url: parsed.href, fetchedAt: now, text: await this.download(parsed.href) };
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(page));
    } catch (err) {
      const cached = readCached(file);
      if (!cached) throw new ApiError('unavailable', `Could not fetch ${parsed.href} (${(err as Error).message}) and it was never fetched before.`);
      page = cached;
      stale = true;
      note = `Offline copy: ${(err as Error).message}`;
    }
    const id = `url-${key.slice(0, 16)}`;
    try {
      const runbook = parseRunbook({ id, origin: page.url, path: page.url, text: page.text });
      this.runnable.set(id, runbook);
      return { url: page.url, runbookId: id, markdown: runbook.markdown, fetchedAt: page.fetchedAt, stale, ageMs: stale ? now - page.fetchedAt : null, note, problems: [] };
    } catch (err) {
      if (!(err instanceof RunbookSyntaxError)) throw err;
      // Not Daytwo's format (no front matter): shown as text, never run.
      return { url: page.url, runbookId: null, markdown: page.text, fetchedAt: page.fetchedAt, stale, ageMs: stale ? now - page.fetchedAt : null, note, problems: err.problems };
    }
  }

  private async download(url: string): Promise<string> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000), redirect: 'follow' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    const max = this.options.maxBytes ?? 1_000_000;
    if (text.length > max) throw new Error(`the page is larger than ${max} bytes`);
    return text;
  }
}

function readCached(file: string): CachedPage | null {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CachedPage>;
    return typeof value.url === 'string' && typeof value.fetchedAt === 'number' && typeof value.text === 'string' ? (value as CachedPage) : null;
  } catch {
    return null;
  }
}
