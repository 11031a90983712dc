import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseWindowState,
  placeWindow,
  readWindowState,
  windowStateFile,
  writeWindowState,
} from '../../../electron/desktop/window-state.js';
import type { Rect } from '../../../electron/desktop/window-state.js';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const externalOnRight: Rect = { x: 1920, y: 0, width: 2560, height: 1410 };

describe('reading a stored window state', () => {
  it('accepts what Daytwo wrote', () => {
    const state = { bounds: { x: 10, y: 20, width: 1200, height: 800 }, maximized: true };
    expect(parseWindowState(state)).toEqual(state);
  });

  it.each([
    ['nothing', null],
    ['a string', 'maximized'],
    ['missing bounds', { maximized: false }],
    ['fractional sizes', { bounds: { x: 0, y: 0, width: 10.5, height: 800 }, maximized: false }],
    ['zero width', { bounds: { x: 0, y: 0, width: 0, height: 800 }, maximized: false }],
    ['absurd coordinates', { bounds: { x: 1e9, y: 0, width: 800, height: 800 }, maximized: false }],
    ['a string for a number', { bounds: { x: '0', y: 0, width: 800, height: 800 }, maximized: false }],
    ['a non-boolean maximized', { bounds: { x: 0, y: 0, width: 800, height: 800 }, maximized: 'yes' }],
  ])('rejects %s', (_what, raw) => {
    expect(parseWindowState(raw)).toBeNull();
  });
});

describe('placing the window', () => {
  it('opens centred at a default size the first time', () => {
    const placed = placeWindow(null, [laptop]);
    expect(placed.maximized).toBe(false);
    expect(placed.bounds.width).toBe(1400);
    expect(placed.bounds.x).toBe((1920 - 1400) / 2);
    expect(placed.bounds.y).toBe((1050 - 900) / 2);
  });

  it('reopens where it was, on a second display too', () => {
    const stored = { bounds: { x: 2100, y: 100, width: 1600, height: 1000 }, maximized: true };
    expect(placeWindow(stored, [laptop, externalOnRight])).toEqual(stored);
  });

  it('comes back onto the screen when the display it was on is gone', () => {
    const stored = { bounds: { x: 2100, y: 100, width: 1600, height: 1000 }, maximized: false };
    const placed = placeWindow(stored, [laptop]);
    expect(placed.bounds.x).toBeGreaterThanOrEqual(0);
    expect(placed.bounds.x + placed.bounds.width).toBeLessThanOrEqual(1920);
    expect(placed.bounds.width).toBe(1600);
  });

  it('comes back when only a sliver of the title bar would be reachable', () => {
    const stored = { bounds: { x: 1880, y: 10, width: 1200, height: 800 }, maximized: false };
    expect(placeWindow(stored, [laptop]).bounds.x).toBeLessThan(1880);
  });

  it('shrinks a stored size that no longer fits the primary display', () => {
    const stored = { bounds: { x: 9000, y: 0, width: 3000, height: 2000 }, maximized: false };
    const small: Rect = { x: 0, y: 0, width: 1280, height: 760 };
    const placed = placeWindow(stored, [small]);
    expect(placed.bounds).toEqual({ x: 0, y: 0, width: 1280, height: 760 });
  });

  it('never restores a window smaller than its minimum size', () => {
    const stored = { bounds: { x: 100, y: 100, width: 50, height: 40 }, maximized: false };
    const placed = placeWindow(stored, [laptop]);
    expect(placed.bounds.width).toBeGreaterThanOrEqual(800);
    expect(placed.bounds.height).toBeGreaterThanOrEqual(560);
  });
});

describe('the window-state file', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips through userData and tolerates a damaged file', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daytwo-window-'));
    expect(readWindowState(dir)).toBeNull();
    const state = { bounds: { x: 5, y: 6, width: 1000, height: 700 }, maximized: false };
    writeWindowState(dir, state);
    expect(readWindowState(dir)).toEqual(state);
    expect(fs.readdirSync(dir)).toEqual([windowStateFile]);
    fs.writeFileSync(path.join(dir, windowStateFile), '{"bounds": {"x": 5');
    expect(readWindowState(dir)).toBeNull();
  });
});
