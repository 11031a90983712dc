import { BrowserWindow, screen } from 'electron';
import type { BrowserWindowConstructorOptions } from 'electron';
import { appEntryUrl } from './policy.js';
import { minimumSize, placeWindow, readWindowState, writeWindowState } from './window-state.js';

export interface WindowPaths {
  preload: string;
  userData: string;
}

/**
 * The one window factory: every BrowserWindow option Daytwo uses is here, stated explicitly
 * even where it is Electron's default, so a reader (and test/security/electron-security.test.ts)
 * sees the whole security posture in one place.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
export function createMainWindow(paths: WindowPaths, isPackaged: boolean): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const primary = screen.getPrimaryDisplay().workArea;
  const placed = placeWindow(readWindowState(paths.userData), [primary, ...workAreas]);
  const window = secureWindow(paths, isPackaged, {
    ...placed.bounds,
    minWidth: minimumSize.width,
    minHeight: minimumSize.height,
    title: 'Daytwo',
  });
  if (placed.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  rememberPlacement(window, paths.userData);
  void window.loadURL(appEntryUrl);
  return window;
}

/**
 * "Present on another display": the wallboard, full screen on the first display that is not
 * the primary one (the operator's), or on the primary when there is only one. Main gives its
 * page a read-only, redacted port (engine-host.ts, `wall`); the operator's window is untouched.
 */
export function createWallWindow(paths: WindowPaths, isPackaged: boolean): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const display = screen.getAllDisplays().find((d) => d.id !== primary.id) ?? primary;
  const window = secureWindow(paths, isPackaged, { ...display.bounds, title: 'Daytwo wallboard', fullscreen: true, autoHideMenuBar: true });
  window.once('ready-to-show', () => window.show());
  // appEntryUrl with the wallboard's route, spelled out so the security scan can read it.
  void window.loadURL('app://daytwo/index.html#/wallboard');
  return window;
}

/**
 * Every window's security options, stated explicitly even where they are Electron's default,
 * so a reader (and test/security/electron-security.test.ts) sees the whole posture in one place.
 */
function secureWindow(paths: WindowPaths, isPackaged: boolean, frame: BrowserWindowConstructorOptions): BrowserWindow {
  return new BrowserWindow({
    ...frame,
    show: false,
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true, // checklist #3
      sandbox: true, // checklist #4 (app.enableSandbox() also applies it to every renderer)
      nodeIntegration: false, // checklist #2
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true, // checklist #6
      allowRunningInsecureContent: false, // checklist #8
      experimentalFeatures: false, // checklist #9
      webviewTag: false, // checklist #12
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !isPackaged,
    },
  });
}

/** Saves bounds (the unmaximised ones) shortly after the user stops moving, and on close. */
function rememberPlacement(window: BrowserWindow, userData: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    try {
      writeWindowState(userData, { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      console.error('[desktop] could not remember the window placement', error);
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
}
