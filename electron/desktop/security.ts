import { shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { decideWindowOpen, externalLinkTarget, navigationAllowed, permissionAllowed } from './policy.js';

/**
 * Applies the decisions in policy.ts to Electron. Every handler here exists because
 * Electron's security checklist asks for it: https://www.electronjs.org/docs/latest/tutorial/security
 */

/** The one place Daytwo hands a URL to the operating system (checklist #15). */
export function openExternalLink(url: string): boolean {
  const target = externalLinkTarget(url);
  if (target === null) return false;
  void shell.openExternal(target);
  return true;
}

/** Checklist #5: permission requests and checks answer no unless policy.ts says otherwise. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
}

/**
 * Applied to every webContents as it is created (app 'web-contents-created'), so no window,
 * however it came to exist, escapes the rules. Checklists #12, #13, #14.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally !== null) openExternalLink(decision.openExternally);
    return { action: decision.action };
  });
  contents.on('will-navigate', (event, url) => {
    if (navigationAllowed(url)) return;
    event.preventDefault();
    openExternalLink(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!navigationAllowed(url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
