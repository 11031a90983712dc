import path from 'node:path';
import { BrowserWindow, app, ipcMain, safeStorage, session } from 'electron';
import { bridgeChannels } from '../shared/api/bridge.js';
import { defaultDataDir } from './engine/data-dir.js';
import { registerAppScheme, serveRenderer } from './desktop/app-protocol.js';
import { startEngineProcess } from './desktop/engine-host.js';
import type { WebFrameMain } from 'electron';
import type { EngineHost } from './desktop/engine-host.js';
import { trustedBridgeSender } from './desktop/policy.js';
import { loadVaultKey, safeStorageSealer } from './desktop/safe-storage-sealer.js';
import { hardenSession, hardenWebContents } from './desktop/security.js';
import { createMainWindow, createWallWindow } from './desktop/windows.js';

/**
 * The desktop entry, kept thin: lifecycle, one window, and brokering each page a port to the
 * engine process. Everything Daytwo does lives in the engine; every security decision in
 * desktop/policy.ts.
 */

// Data lives in the platform's "Daytwo" app-data folder, the one host mode uses too
// (electron/engine/data-dir.ts; DAYTWO_DATA_DIR moves both). Set before anything reads a
// path, and before the single-instance lock, which lives in userData.
app.setName('Daytwo');
app.setPath('userData', defaultDataDir());
app.enableSandbox(); // checklist #4, for every renderer including ones we did not create
registerAppScheme(); // must precede 'ready'

if (!app.requestSingleInstanceLock()) {
  app.quit(); // the running instance gets 'second-instance' and comes to the front
} else {
  void run();
}

async function run(): Promise<void> {
  let window: BrowserWindow | null = null;
  // The wallboard window, whose page gets a read-only port (engine-host.ts, `wall`).
  let wall: BrowserWindow | null = null;
  let engine: EngineHost | null = null;
  let crashes: number[] = [];
  const appRoot = app.getAppPath();
  const userData = app.getPath('userData');

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = openWindow();
  });

  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped || !engine) return;
    event.preventDefault();
    const stopping = engine;
    engine = null;
    void stopping.stop().finally(() => {
      stopped = true;
      app.quit();
    });
  });

  await app.whenReady();
  hardenSession(session.defaultSession);
  serveRenderer(path.join(appRoot, 'dist', 'renderer'));

  // safeStorage answers only after 'ready' (on Linux it reports unavailable before).
  const vault = loadVaultKey(userData, safeStorageSealer(safeStorage));
  const startEngine = (): EngineHost =>
    startEngineProcess({
      entry: path.join(appRoot, 'out', 'electron', 'engine', 'process.js'),
      start: {
        type: 'start',
        version: app.getVersion(),
        dataDir: defaultDataDir(),
        readOnly: process.argv.includes('--read-only'),
        vault,
      },
      log: (message) => console.error(`[engine] ${message}`),
      onUnexpectedExit: (code) => {
        // Restart a crashed engine and hand every page a fresh port, unless it keeps crashing.
        const now = Date.now();
        crashes = [...crashes.filter((at) => at > now - 60_000), now];
        console.error(`[engine] exited with code ${code}`);
        if (crashes.length > 3) {
          console.error('[engine] crashed more than three times in a minute; not restarting');
          engine = null;
          return;
        }
        engine = startEngine();
        for (const open of BrowserWindow.getAllWindows()) connect(open.webContents.mainFrame);
      },
    });
  const connect = (frame: WebFrameMain | null) => {
    if (engine && frame && trustedBridgeSender({ url: frame.url, isMainFrame: frame.parent === null })) {
      const isWall = wall !== null && !wall.isDestroyed() && wall.webContents.mainFrame === frame;
      engine.connect(frame, { wall: isWall });
    }
  };
  engine = startEngine();

  // Each page load asks for its port. Only a window's main frame showing app://daytwo gets one.
  // (VS Code's ipcMain validates its senders the same way.) Anything else is ignored.
  ipcMain.on(bridgeChannels.connect, (event) => {
    if (!BrowserWindow.fromWebContents(event.sender)) return; // not one of our windows
    connect(event.senderFrame);
  });

  // "Present on another display", from the operator's window only; one wallboard window at a time.
  ipcMain.on(bridgeChannels.present, (event) => {
    if (!window || event.sender !== window.webContents) return;
    if (wall && !wall.isDestroyed()) {
      wall.focus();
      return;
    }
    const paths = { preload: path.join(appRoot, 'out', 'preload', 'electron', 'preload.js'), userData };
    const created = createWallWindow(paths, app.isPackaged);
    created.on('closed', () => {
      if (wall === created) wall = null;
    });
    wall = created;
  });

  window = openWindow();

  function openWindow(): BrowserWindow {
    const created = createMainWindow(
      { preload: path.join(appRoot, 'out', 'preload', 'electron', 'preload.js'), userData },
      app.isPackaged,
    );
    created.on('closed', () => {
      if (window === created) window = null;
    });
    return created;
  }
}
