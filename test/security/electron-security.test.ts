import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cspWeakness, rules, scan } from './scan.js';
import type { RuleId, SourceFile } from './scan.js';

/**
 * `npm test` fails on any finding in the privileged side (electron/**), and each rule is
 * proven to fire on a bad snippet, so the scan cannot pass by silently checking nothing.
 */

function electronSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        files.push({ path: full.split(path.sep).join('/'), text: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  walk('electron');
  return files;
}

describe("Daytwo's Electron code", () => {
  it('has no security finding', () => {
    const sources = electronSources();
    expect(sources.map((file) => file.path)).toEqual(expect.arrayContaining(['electron/main.ts', 'electron/preload.ts']));
    const findings = scan(sources).map((f) => `${f.file}:${f.line} [${f.rule}] ${f.message}`);
    expect(findings).toEqual([]);
  }, 30_000); // parses every file under electron/; slow only on a loaded machine
});

/** A minimal app that does everything right; each case below breaks one thing. */
const secureApp: Record<string, string> = {
  'electron/main.ts': `
    import { app } from 'electron';
    app.enableSandbox();
    app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  `,
  'electron/desktop/windows.ts': `
    export function createMainWindow() {
      const window = new BrowserWindow({
        width: 800,
        webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
      });
      void window.loadURL(appEntryUrl);
    }
  `,
  'electron/desktop/security.ts': `
    export function openExternalLink(url: string) {
      const target = externalLinkTarget(url);
      if (target === null) return false;
      void shell.openExternal(target);
      return true;
    }
    export function hardenSession(session) {
      session.setPermissionRequestHandler((_c, permission, callback) => callback(permissionAllowed(permission)));
      session.setPermissionCheckHandler((_c, permission) => permissionAllowed(permission));
    }
    export function hardenWebContents(contents) {
      contents.setWindowOpenHandler(({ url }) => ({ action: 'deny' }));
      contents.on('will-navigate', (event, url) => { if (!navigationAllowed(url)) event.preventDefault(); });
      contents.on('will-attach-webview', (event) => event.preventDefault());
    }
  `,
  'electron/desktop/policy.ts': `
    export const desktopContentSecurityPolicy = ["default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:"].join('; ');
  `,
  'electron/desktop/app-protocol.ts': `
    protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    protocol.handle('app', async () => new Response(body, { headers: { 'content-security-policy': desktopContentSecurityPolicy } }));
  `,
  'electron/preload.ts': `
    import { contextBridge, ipcRenderer } from 'electron';
    ipcRenderer.on('daytwo:engine-port', (event) => { port = event.ports[0]; });
    const daytwo = { call(method, params) { return send(method, params); } };
    contextBridge.exposeInMainWorld('daytwo', daytwo);
  `,
};

function withChange(file: string, from: string, to: string): SourceFile[] {
  const text = secureApp[file];
  if (text === undefined || !text.includes(from)) throw new Error(`fixture ${file} does not contain ${from}`);
  return Object.entries({ ...secureApp, [file]: text.replace(from, to) }).map(([p, t]) => ({ path: p, text: t }));
}

function rulesFired(files: SourceFile[]): RuleId[] {
  return [...new Set(scan(files).map((finding) => finding.rule))];
}

const secureWebPreferences = 'contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true';
const windows = 'electron/desktop/windows.ts';
const security = 'electron/desktop/security.ts';

const badSnippets: [string, SourceFile[], RuleId][] = [
  ['nodeIntegration: true', withChange(windows, 'nodeIntegration: false', 'nodeIntegration: true'), 'web-preferences'],
  ['contextIsolation: false', withChange(windows, 'contextIsolation: true', 'contextIsolation: false'), 'web-preferences'],
  ['sandbox: false', withChange(windows, 'sandbox: true', 'sandbox: false'), 'web-preferences'],
  ['webSecurity: false', withChange(windows, 'webSecurity: true', 'webSecurity: false'), 'web-preferences'],
  ['sandbox from a variable', withChange(windows, 'sandbox: true', 'sandbox: isSandboxed'), 'web-preferences'],
  ['contextIsolation left to the default', withChange(windows, 'contextIsolation: true, ', ''), 'web-preferences'],
  ['allowRunningInsecureContent: true', withChange(windows, 'webSecurity: true', 'webSecurity: true, allowRunningInsecureContent: true'), 'web-preferences'],
  ['experimentalFeatures: true', withChange(windows, 'webSecurity: true', 'webSecurity: true, experimentalFeatures: true'), 'web-preferences'],
  ['enableBlinkFeatures', withChange(windows, 'webSecurity: true', "webSecurity: true, enableBlinkFeatures: 'CSSVariables'"), 'web-preferences'],
  ['nodeIntegrationInSubFrames: true', withChange(windows, 'webSecurity: true', 'webSecurity: true, nodeIntegrationInSubFrames: true'), 'web-preferences'],
  ['webviewTag: true', withChange(windows, 'webSecurity: true', 'webSecurity: true, webviewTag: true'), 'web-preferences'],
  ['webPreferences spread from elsewhere', withChange(windows, 'preload, ', '...insecureDefaults, preload, '), 'web-preferences'],
  ['webPreferences from a variable', withChange(windows, `{ preload, ${secureWebPreferences} }`, 'prefs'), 'web-preferences'],
  ['a window without webPreferences', withChange(windows, 'new BrowserWindow({', 'new BrowserWindow(options); ({'), 'window-without-web-preferences'],
  ['loadURL of https content', withChange(windows, 'loadURL(appEntryUrl)', "loadURL('https://grafana.example.com/')"), 'remote-content'],
  ['loadURL of http content', withChange(windows, 'loadURL(appEntryUrl)', "loadURL(`http://localhost:${port}/`)"), 'remote-content'],
  ['loadURL of a file URL', withChange(windows, 'loadURL(appEntryUrl)', "loadURL('file:///opt/daytwo/index.html')"), 'remote-content'],
  ['loadFile', withChange(windows, 'loadURL(appEntryUrl)', "loadFile('dist/renderer/index.html')"), 'remote-content'],
  ['no window-open handler', withChange(security, "contents.setWindowOpenHandler(({ url }) => ({ action: 'deny' }));", ''), 'window-open-handler-missing'],
  ['a window-open handler that allows', withChange(security, "action: 'deny'", "action: 'allow'"), 'window-open-allowed'],
  ['no will-navigate handler', withChange(security, "'will-navigate'", "'did-navigate'"), 'navigation-handler-missing'],
  ['a will-navigate handler that never prevents', withChange(security, 'if (!navigationAllowed(url)) event.preventDefault();', 'log(url);'), 'navigation-handler-missing'],
  ['no permission request handler', withChange(security, 'session.setPermissionRequestHandler(', 'noop('), 'permission-handler-missing'],
  ['no permission check handler', withChange(security, 'session.setPermissionCheckHandler(', 'noop('), 'permission-handler-missing'],
  ['a request handler that grants everything', withChange(security, 'callback(permissionAllowed(permission))', 'callback(true)'), 'permission-granted-unconditionally'],
  ['a check handler that grants everything', withChange(security, '(_c, permission) => permissionAllowed(permission)', '() => true'), 'permission-granted-unconditionally'],
  ['webviews not blocked', withChange(security, "contents.on('will-attach-webview', (event) => event.preventDefault());", ''), 'webview-not-blocked'],
  ['handlers not applied to every webContents', withChange('electron/main.ts', "'web-contents-created'", "'browser-window-created'"), 'web-contents-hook-missing'],
  ['no app.enableSandbox()', withChange('electron/main.ts', 'app.enableSandbox();', ''), 'sandbox-not-global'],
  ['openExternal on the raw URL', withChange(security, 'shell.openExternal(target)', 'shell.openExternal(url)'), 'open-external-unvalidated'],
  ['openExternal on a URL checked some other way', withChange(security, 'const target = externalLinkTarget(url);', "const target = url.startsWith('https') ? url : null;"), 'open-external-unvalidated'],
  ['ipcRenderer exposed whole', withChange('electron/preload.ts', "exposeInMainWorld('daytwo', daytwo)", "exposeInMainWorld('ipc', ipcRenderer)"), 'bridge-exposes-ipc'],
  ['ipcRenderer.send exposed', withChange('electron/preload.ts', 'return send(method, params);', 'return ipcRenderer.invoke(method, params);'), 'bridge-exposes-ipc'],
  ['the IPC event passed to the page', withChange('electron/preload.ts', 'port = event.ports[0];', 'onMessage(event, event.ports[0]);'), 'bridge-forwards-event'],
  ['no CSP header', withChange('electron/desktop/app-protocol.ts', "'content-security-policy'", "'x-frame-options'"), 'csp-missing'],
  ['a CSP allowing inline script', withChange('electron/desktop/policy.ts', `"script-src 'self'"`, `"script-src 'self' 'unsafe-inline'"`), 'csp-weak'],
  ['a CSP allowing eval', withChange('electron/desktop/policy.ts', `"script-src 'self'"`, `"script-src 'self' 'unsafe-eval'"`), 'csp-weak'],
  ['a CSP allowing remote scripts', withChange('electron/desktop/policy.ts', `"script-src 'self'"`, `"script-src 'self' https://cdn.example.com"`), 'csp-weak'],
  ['a CSP that cannot be read statically', withChange('electron/desktop/policy.ts', '.join', '.concat(extra).join'), 'csp-weak'],
  ['a scheme that bypasses CSP', withChange('electron/desktop/app-protocol.ts', 'secure: true', 'secure: true, bypassCSP: true'), 'scheme-bypasses-csp'],
  ['certificate errors ignored', withChange('electron/main.ts', 'app.enableSandbox();', "app.enableSandbox(); app.on('certificate-error', (event, _w, _u, _e, _c, callback) => { event.preventDefault(); callback(true); });"), 'certificate-errors-ignored'],
  ['--ignore-certificate-errors', withChange('electron/main.ts', 'app.enableSandbox();', "app.enableSandbox(); app.commandLine.appendSwitch('ignore-certificate-errors');"), 'insecure-switch'],
  ['--no-sandbox', withChange('electron/main.ts', 'app.enableSandbox();', "app.enableSandbox(); app.commandLine.appendSwitch('no-sandbox');"), 'insecure-switch'],
];

describe('the Electron security scan', () => {
  it('finds nothing in a correctly hardened app', () => {
    const files = Object.entries(secureApp).map(([p, t]) => ({ path: p, text: t }));
    expect(scan(files)).toEqual([]);
  });

  it.each(badSnippets)('catches %s', (_what, files, rule) => {
    expect(rulesFired(files)).toEqual([rule]);
  });

  it('has a bad snippet for every rule it knows', () => {
    const covered = new Set(badSnippets.map(([, , rule]) => rule));
    expect(Object.keys(rules).filter((rule) => !covered.has(rule as RuleId))).toEqual([]);
  });

  it('reports where the problem is', () => {
    const [finding] = scan(withChange(windows, 'sandbox: true', 'sandbox: false'));
    expect(finding).toMatchObject({ file: windows, line: 5, message: 'webPreferences.sandbox must be the literal true' });
  });

  it('judges CSPs as a reviewer would', () => {
    expect(cspWeakness("default-src 'self'; object-src 'none'")).toBeNull();
    expect(cspWeakness("script-src 'self'")).toMatch(/default-src/);
    expect(cspWeakness("default-src *")).not.toBeNull();
    expect(cspWeakness("default-src 'none'; connect-src wss:")).toMatch(/connect-src/);
    expect(cspWeakness("default-src 'self'")).toMatch(/object-src/);
  });
});
