import { BrowserWindow, screen } from 'electron';
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

  const window = new BrowserWindow({
    ...placed.bounds,
    minWidth: minimumSize.width,
    minHeight: minimumSize.height,
    title: 'Daytwo',
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
  if (placed.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  rememberPlacement(window, paths.userData);
  void window.loadURL(appEntryUrl);
  return window;
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
