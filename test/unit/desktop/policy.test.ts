import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appEntryUrl,
  decideWindowOpen,
  desktopContentSecurityPolicy,
  externalLinkTarget,
  mimeTypeFor,
  navigationAllowed,
  permissionAllowed,
  resolveAppAsset,
  trustedBridgeSender,
} from '../../../electron/desktop/policy.js';

const root = path.resolve('/opt/daytwo/dist/renderer');

describe('serving the UI from app://daytwo', () => {
  it('maps the origin root and files to the built renderer', () => {
    expect(resolveAppAsset(root, 'app://daytwo/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, appEntryUrl)).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://daytwo/assets/index-Ab12.js')).toBe(path.join(root, 'assets', 'index-Ab12.js'));
    expect(resolveAppAsset(root, 'app://daytwo/assets/a%20b.css?v=1#x')).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it.each([
    'app://daytwo/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://daytwo/%2e%2e%2f%2e%2e%2fsecret',
    'app://daytwo/..%5c..%5cwindows',
    'app://daytwo/index.html%00.png',
    'app://daytwo/%E0%A4%A',
    'app://other/index.html',
    'file:///etc/passwd',
    'https://daytwo/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(root, url)).toBeNull();
  });

  it('keeps dot segments the URL parser resolves clamped inside the root', () => {
    // WHATWG URL parsing turns /../../etc/passwd (and %2e%2e) into /etc/passwd before we see it.
    expect(resolveAppAsset(root, 'app://daytwo/../../etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppAsset(root, 'app://daytwo/%2e%2e/%2e%2e/etc/passwd')).toBe(path.join(root, 'etc', 'passwd'));
  });

  it('does not confuse a sibling folder with the same prefix for the root', () => {
    expect(resolveAppAsset(root, 'app://daytwo/..%2frenderer-evil%2fx.js')).toBeNull();
  });

  it('serves scripts with a JavaScript MIME type, which module scripts require', () => {
    expect(mimeTypeFor('/x/assets/index.js')).toMatch(/^text\/javascript/);
    expect(mimeTypeFor('/x/index.HTML')).toMatch(/^text\/html/);
    expect(mimeTypeFor('/x/blob.bin')).toBe('application/octet-stream');
  });

  it('has a CSP that allows nothing remote and no inline script', () => {
    expect(desktopContentSecurityPolicy).toContain("default-src 'none'");
    expect(desktopContentSecurityPolicy).toContain("script-src 'self'");
    expect(desktopContentSecurityPolicy).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(desktopContentSecurityPolicy).not.toMatch(/https?:|\*/);
  });
});

describe('navigation', () => {
  it('stays inside the app', () => {
    expect(navigationAllowed('app://daytwo/index.html#/incidents')).toBe(true);
  });

  it.each(['https://example.com/', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'app://evil/', 'javascript:alert(1)', 'about:blank', ''])(
    'refuses %s',
    (url) => {
      expect(navigationAllowed(url)).toBe(false);
    },
  );
});

describe('links opened in the system browser', () => {
  it('accepts http and https links, normalised', () => {
    expect(externalLinkTarget('https://kubernetes.io/docs/concepts/')).toBe('https://kubernetes.io/docs/concepts/');
    expect(externalLinkTarget('HTTP://Grafana.Example.com:3000/d/abc')).toBe('http://grafana.example.com:3000/d/abc');
  });

  it.each([
    'file:///etc/passwd',
    'smb://attacker/share',
    'javascript:alert(1)',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/x',
    'app://daytwo/index.html',
    'mailto:oncall@example.com',
    'https://user:pass@example.com/',
    'https://token@example.com/',
    'http://',
    'not a url',
    `https://example.com/${'a'.repeat(3000)}`,
  ])('refuses %s', (url) => {
    expect(externalLinkTarget(url)).toBeNull();
  });

  it('never opens a window, and hands only safe links to the browser', () => {
    expect(decideWindowOpen('https://aws.amazon.com/cloudwatch/')).toEqual({
      action: 'deny',
      openExternally: 'https://aws.amazon.com/cloudwatch/',
    });
    expect(decideWindowOpen('app://daytwo/index.html')).toEqual({ action: 'deny', openExternally: null });
    expect(decideWindowOpen('file:///bin/sh')).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'hid', 'serial', 'usb', 'clipboard-read', 'openExternal', 'fullscreen', 'pointerLock'])(
    'denies %s even to our own page',
    (permission) => {
      expect(permissionAllowed(permission, 'app://daytwo/index.html')).toBe(false);
    },
  );

  it('lets only our own page write plain text to the clipboard', () => {
    expect(permissionAllowed('clipboard-sanitized-write', 'app://daytwo/index.html')).toBe(true);
    expect(permissionAllowed('clipboard-sanitized-write', 'app://daytwo')).toBe(true); // checks pass an origin
    expect(permissionAllowed('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(permissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
  });
});

describe('who gets a port to the engine', () => {
  it('is the main frame showing app://daytwo', () => {
    expect(trustedBridgeSender({ url: 'app://daytwo/index.html', isMainFrame: true })).toBe(true);
  });

  it('is never an iframe, a foreign page, or a vanished frame', () => {
    expect(trustedBridgeSender({ url: 'app://daytwo/index.html', isMainFrame: false })).toBe(false);
    expect(trustedBridgeSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(trustedBridgeSender({ url: 'file:///tmp/x.html', isMainFrame: true })).toBe(false);
    expect(trustedBridgeSender(null)).toBe(false);
  });
});
