import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The main window's size and place, remembered between runs in userData/window-state.json.
 * The file is read back as untrusted input: anything malformed, absurd, or off every
 * connected screen falls back to defaults rather than opening a window nobody can see.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const minimumSize = { width: 800, height: 560 } as const;
const defaultSize = { width: 1400, height: 900 } as const;
const coordinate = z.number().int().min(-100_000).max(100_000);
const extent = z.number().int().min(1).max(100_000);

const StoredWindowState = z.object({
  bounds: z.object({ x: coordinate, y: coordinate, width: extent, height: extent }),
  maximized: z.boolean(),
});

export const windowStateFile = 'window-state.json';

/** Parses what was stored; null when it is not a window state at all. */
export function parseWindowState(raw: unknown): WindowState | null {
  const parsed = StoredWindowState.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * Where to open the window given the displays' work areas now: the stored bounds if enough of
 * the title bar lands on some display (screens get unplugged between runs), else centred on
 * the primary display at the stored (or default) size, clamped to fit it.
 */
export function placeWindow(stored: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...defaultSize };
  const wanted = stored?.bounds ?? { x: 0, y: 0, ...defaultSize };
  const width = clamp(wanted.width, Math.min(minimumSize.width, primary.width), primary.width);
  const height = clamp(wanted.height, Math.min(minimumSize.height, primary.height), primary.height);
  if (stored) {
    const sized = {
      ...stored.bounds,
      width: Math.max(stored.bounds.width, minimumSize.width),
      height: Math.max(stored.bounds.height, minimumSize.height),
    };
    if (workAreas.some((area) => titleBarVisible(sized, area))) return { bounds: sized, maximized: stored.maximized };
  }
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    },
    maximized: stored?.maximized ?? false,
  };
}

/** At least 100×30 px of the window's top strip must overlap the work area to grab it. */
function titleBarVisible(bounds: Rect, area: Rect): boolean {
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: 30 };
  const overlapX = Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
  const overlapY = Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
  return overlapX >= 100 && overlapY >= 30;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

export function readWindowState(userDataDir: string): WindowState | null {
  try {
    return parseWindowState(JSON.parse(fs.readFileSync(path.join(userDataDir, windowStateFile), 'utf8')));
  } catch {
    return null; // missing or unreadable: first run, or a file someone edited by hand
  }
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves half a file. */
export function writeWindowState(userDataDir: string, state: WindowState): void {
  const file = path.join(userDataDir, windowStateFile);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(temporary, JSON.stringify(state));
  fs.renameSync(temporary, file);
}
