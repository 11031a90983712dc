import crypto from 'node:crypto';
import { Screen } from '../../../shared/api/screens.js';
import type { CreateScreenParams } from '../../../shared/api/screens.js';
import { ApiError } from '../../../shared/api/errors.js';
import type { z } from 'zod';
import type { StoreDatabase } from '../store/database.js';

/** What a screen token grants, as the transport hands it to the router. */
export interface ScreenGrant {
  screenId: string;
  /** Pinned to this incident, or null for every open incident. */
  incidentId: string | null;
}

export type ScreenEndListener = (screenId: string) => void;

/** setTimeout holds a signed 32-bit delay; longer waits are re-armed in steps. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Screen links (migration 8): tokens for wall displays. The token is 32 random bytes shown once
 * at creation; only its SHA-256 is stored (a random 256-bit secret needs no slow hash: there is
 * nothing to brute-force). A link ends when revoked or at its expiry, and listeners (the host's
 * socket table) hear of it at that moment so an open WebSocket is closed, not left streaming.
 */
export class ScreenLinks {
  private readonly listeners = new Set<ScreenEndListener>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number = Date.now,
  ) {
    for (const screen of this.list()) if (this.live(screen)) this.armExpiry(screen);
  }

  create(params: z.output<typeof CreateScreenParams>): { screen: Screen; token: string } {
    const token = `scr_${crypto.randomBytes(32).toString('base64url')}`;
    const now = this.now();
    const screen: Screen = {
      id: `screen-${crypto.randomBytes(6).toString('hex')}`,
      label: params.label,
      scope: params.scope,
      incidentId: params.incidentId,
      createdAt: now,
      expiresAt: now + params.expiresInMs,
      revokedAt: null,
      lastSeenAt: null,
    };
    this.db.prepare('INSERT INTO screen_links (id, token_hash, body) VALUES (?, ?, ?)').run(screen.id, hashToken(token), JSON.stringify(screen));
    this.armExpiry(screen);
    return { screen, token };
  }

  list(): Screen[] {
    const bodies = this.db.prepare('SELECT body FROM screen_links').pluck().all() as string[];
    return bodies
      .map(parseScreen)
      .filter((s): s is Screen => s !== undefined)
      .map((s) => ({ ...s, lastSeenAt: this.seen.get(s.id) ?? s.lastSeenAt }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  revoke(id: string): Screen {
    const screen = this.get(id);
    if (!screen) throw new ApiError('not_found', `There is no screen link "${id}".`);
    if (screen.revokedAt !== null) return screen;
    const revoked = { ...screen, revokedAt: this.now(), lastSeenAt: this.seen.get(id) ?? screen.lastSeenAt };
    this.db.prepare('UPDATE screen_links SET body = ? WHERE id = ?').run(JSON.stringify(revoked), id);
    this.end(id);
    return revoked;
  }

  /** The grant for a presented token, or null when it is unknown, revoked or expired. */
  authenticate(token: string): ScreenGrant | null {
    if (!token.startsWith('scr_')) return null;
    const body = this.db.prepare('SELECT body FROM screen_links WHERE token_hash = ?').pluck().get(hashToken(token)) as string | undefined;
    const screen = body === undefined ? undefined : parseScreen(body);
    if (!screen || !this.live(screen)) return null;
    this.seen.set(screen.id, this.now());
    return { screenId: screen.id, incidentId: screen.incidentId };
  }

  /** Called when a link stops working (revoked or expired). */
  onEnd(listener: ScreenEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.listeners.clear();
  }

  private get(id: string): Screen | undefined {
    const body = this.db.prepare('SELECT body FROM screen_links WHERE id = ?').pluck().get(id) as string | undefined;
    return body === undefined ? undefined : parseScreen(body);
  }

  private live(screen: Screen): boolean {
    return screen.revokedAt === null && this.now() < screen.expiresAt;
  }

  private armExpiry(screen: Screen): void {
    const wait = Math.max(0, screen.expiresAt - this.now());
    const timer = setTimeout(() => {
      this.timers.delete(screen.id);
      if (this.now() < screen.expiresAt) this.armExpiry(screen);
      else this.end(screen.id);
    }, Math.min(wait, maxTimerMs));
    // A pending expiry must not keep a host (or a test) alive.
    timer.unref();
    this.timers.set(screen.id, timer);
  }

  private end(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    for (const listener of this.listeners) {
      try {
        listener(id);
      } catch {
        // One listener failing must not keep another socket open.
      }
    }
  }
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function parseScreen(body: string): Screen | undefined {
  try {
    const parsed = Screen.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
