import ts from 'typescript';

/**
 * A static scan of the privileged side for the mistakes Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security) warns about, in the spirit of
 * Electronegativity but written against this codebase's own shape: it parses the TypeScript
 * sources with the compiler API and reports every finding with file and line.
 *
 * Rules are strict on purpose: a setting that cannot be read statically (a variable where a
 * literal is expected) is itself a finding, so the scan cannot be defeated by indirection.
 */

export interface SourceFile {
  path: string;
  text: string;
}

export interface Finding {
  rule: RuleId;
  file: string;
  line: number;
  message: string;
}

export const rules = {
  'web-preferences': 'webPreferences weakens isolation, or cannot be read statically',
  'window-without-web-preferences': 'a window or view is created without an inline webPreferences literal',
  'remote-content': 'a window loads something other than the app:// UI',
  'window-open-handler-missing': 'no setWindowOpenHandler denies new windows',
  'window-open-allowed': 'a window-open handler allows a new window',
  'navigation-handler-missing': "no 'will-navigate' handler calls preventDefault",
  'permission-handler-missing': 'permission requests or checks are not handled',
  'permission-granted-unconditionally': 'a permission handler grants without a policy decision',
  'webview-not-blocked': "no 'will-attach-webview' handler calls preventDefault",
  'web-contents-hook-missing': "handlers are not applied through app 'web-contents-created'",
  'sandbox-not-global': 'app.enableSandbox() is not called',
  'open-external-unvalidated': 'shell.openExternal is called with a URL that did not come from externalLinkTarget()',
  'bridge-exposes-ipc': 'contextBridge exposes ipcRenderer (or part of it)',
  'bridge-forwards-event': 'an IPC listener passes the IPC event object on',
  'csp-missing': 'no Content-Security-Policy header is set on the UI',
  'csp-weak': 'the Content-Security-Policy allows inline or eval script, or remote sources',
  'scheme-bypasses-csp': 'a custom scheme is registered with bypassCSP',
  'insecure-switch': 'a Chromium switch that disables a security feature is appended',
  'certificate-errors-ignored': "a 'certificate-error' handler accepts the certificate",
} as const;
export type RuleId = keyof typeof rules;

/** Settings that must be stated, and stated with exactly this value, in every webPreferences. */
const requiredPreferences: Record<string, boolean> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
};
/** Settings that may be omitted (their default is safe) but, if present, must have this value. */
const optionalPreferences: Record<string, boolean> = {
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
};
/** Settings whose mere presence is a finding. */
const forbiddenPreferences = ['enableBlinkFeatures', 'additionalArguments', 'preloadURL'];

const dangerousSwitches = [
  'ignore-certificate-errors',
  'disable-web-security',
  'no-sandbox',
  'disable-site-isolation-trials',
  'allow-insecure-localhost',
  'remote-debugging-port',
  'allow-running-insecure-content',
  'enable-blink-features',
  'js-flags',
];

export function scan(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = [];
  const parsed = files.map((file) => ({
    file,
    source: ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
  }));
  const facts = {
    windowOpenHandler: false,
    willNavigate: false,
    permissionRequest: false,
    permissionCheck: false,
    willAttachWebview: false,
    webContentsCreated: false,
    enableSandbox: false,
    cspHeaders: [] as { file: string; line: number; value: ts.Expression }[],
  };
  const declarations = new Map<string, ts.Expression>();
  for (const { source } of parsed) {
    visit(source, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        declarations.set(node.name.text, node.initializer);
      }
    });
  }

  for (const { file, source } of parsed) {
    const report = (rule: RuleId, node: ts.Node, message: string = rules[rule]) =>
      findings.push({ rule, file: file.path, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, message });

    visit(source, (node) => {
      if (ts.isPropertyAssignment(node) && propertyName(node) === 'webPreferences') {
        checkWebPreferences(node.initializer, report);
      }
      if (ts.isPropertyAssignment(node) && propertyName(node) === 'bypassCSP' && node.initializer.kind !== ts.SyntaxKind.FalseKeyword) {
        report('scheme-bypasses-csp', node);
      }
      if (ts.isPropertyAssignment(node) && propertyName(node)?.toLowerCase() === 'content-security-policy') {
        facts.cspHeaders.push({ file: file.path, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, value: node.initializer });
      }
      if (ts.isNewExpression(node) && ['BrowserWindow', 'BrowserView', 'WebContentsView'].includes(node.expression.getText())) {
        const options = node.arguments?.[0];
        const hasInline =
          options !== undefined &&
          ts.isObjectLiteralExpression(options) &&
          options.properties.some((property) => ts.isPropertyAssignment(property) && propertyName(property) === 'webPreferences');
        if (!hasInline) report('window-without-web-preferences', node);
      }
      if (!ts.isCallExpression(node)) return;
      const callee = calleeName(node);
      const first = node.arguments[0];
      const second = node.arguments[1];

      switch (callee) {
        case 'loadURL':
          if (!first || !isAppUrlExpression(first)) report('remote-content', node, `loadURL(${first?.getText() ?? ''}) does not load the app:// UI`);
          return;
        case 'loadFile':
          report('remote-content', node, 'loadFile serves the UI over file://, which has extra privileges; use the app:// scheme');
          return;
        case 'setWindowOpenHandler':
          facts.windowOpenHandler = true;
          if (first && containsAllowAction(first)) report('window-open-allowed', node);
          return;
        case 'setPermissionRequestHandler':
          facts.permissionRequest = true;
          if (first && grantsUnconditionally(first)) report('permission-granted-unconditionally', node);
          return;
        case 'setPermissionCheckHandler':
          facts.permissionCheck = true;
          if (first && grantsUnconditionally(first)) report('permission-granted-unconditionally', node);
          return;
        case 'enableSandbox':
          facts.enableSandbox = true;
          return;
        case 'openExternal':
          if (!comesFromPolicy(node, first)) report('open-external-unvalidated', node);
          return;
        case 'exposeInMainWorld':
          if (second && referencesIpcRenderer(second, declarations)) report('bridge-exposes-ipc', node);
          return;
        case 'appendSwitch':
        case 'appendArgument':
          if (first && ts.isStringLiteralLike(first) && dangerousSwitches.includes(first.text.replace(/^--/, ''))) {
            report('insecure-switch', node, `appendSwitch('${first.text}') turns off a Chromium protection`);
          }
          return;
        case 'on':
        case 'once':
        case 'addListener': {
          const event = first && ts.isStringLiteralLike(first) ? first.text : undefined;
          const listener = second;
          if (!event || !listener) return;
          if (event === 'will-navigate' && callsPreventDefault(listener)) facts.willNavigate = true;
          if (event === 'will-attach-webview' && callsPreventDefault(listener)) facts.willAttachWebview = true;
          if (event === 'web-contents-created') facts.webContentsCreated = true;
          if (event === 'certificate-error' && callsWithTrue(listener)) {
            report('certificate-errors-ignored', node);
          }
          if (node.expression.getText().startsWith('ipcRenderer.') && forwardsFirstParameter(listener)) {
            report('bridge-forwards-event', node);
          }
          return;
        }
      }
    });
  }

  const anywhere = { file: '(project)', line: 0 };
  const missing = (rule: RuleId) => findings.push({ rule, ...anywhere, message: rules[rule] });
  if (!facts.windowOpenHandler) missing('window-open-handler-missing');
  if (!facts.willNavigate) missing('navigation-handler-missing');
  if (!facts.permissionRequest || !facts.permissionCheck) missing('permission-handler-missing');
  if (!facts.willAttachWebview) missing('webview-not-blocked');
  if (!facts.webContentsCreated) missing('web-contents-hook-missing');
  if (!facts.enableSandbox) missing('sandbox-not-global');

  const desktopCsp = facts.cspHeaders.filter((header) => /(^|\/)electron\/(desktop\/|main\.ts$)/.test(header.file));
  if (desktopCsp.length === 0) missing('csp-missing');
  for (const header of desktopCsp) {
    const policy = staticString(header.value, declarations);
    const weakness = policy === null ? 'it cannot be read statically' : cspWeakness(policy);
    if (weakness) findings.push({ rule: 'csp-weak', file: header.file, line: header.line, message: `${rules['csp-weak']}: ${weakness}` });
  }
  return findings;

  function checkWebPreferences(value: ts.Expression, report: (rule: RuleId, node: ts.Node, message?: string) => void): void {
    if (!ts.isObjectLiteralExpression(value)) {
      report('web-preferences', value, 'webPreferences must be an object literal so its settings can be checked');
      return;
    }
    const seen = new Map<string, ts.ObjectLiteralElementLike>();
    for (const property of value.properties) {
      if (ts.isSpreadAssignment(property)) {
        report('web-preferences', property, 'webPreferences must not spread in settings from elsewhere');
        continue;
      }
      const name = propertyName(property);
      if (name) seen.set(name, property);
    }
    for (const name of forbiddenPreferences) {
      const property = seen.get(name);
      if (property) report('web-preferences', property, `webPreferences.${name} must not be set`);
    }
    for (const [name, safe] of Object.entries({ ...requiredPreferences, ...optionalPreferences })) {
      const property = seen.get(name);
      if (!property) {
        if (name in requiredPreferences) report('web-preferences', value, `webPreferences must state ${name}: ${safe}`);
        continue;
      }
      const literal = ts.isPropertyAssignment(property) ? booleanLiteral(property.initializer) : null;
      if (literal !== safe) report('web-preferences', property, `webPreferences.${name} must be the literal ${safe}`);
    }
  }
}

function visit(node: ts.Node, callback: (node: ts.Node) => void): void {
  callback(node);
  ts.forEachChild(node, (child) => visit(child, callback));
}

function propertyName(property: ts.ObjectLiteralElementLike): string | null {
  const name = property.name;
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

function calleeName(call: ts.CallExpression): string | null {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return null;
}

function booleanLiteral(node: ts.Expression): boolean | null {
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  return null;
}

/** The UI's own entry: the appEntryUrl constant, or a literal on the app:// scheme. */
function isAppUrlExpression(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'appEntryUrl';
  if (ts.isStringLiteralLike(node)) return node.text.startsWith('app://daytwo/');
  return false;
}

function some(node: ts.Node, predicate: (node: ts.Node) => boolean): boolean {
  let found = false;
  visit(node, (child) => {
    if (!found && predicate(child)) found = true;
  });
  return found;
}

function callsPreventDefault(listener: ts.Node): boolean {
  return some(listener, (node) => ts.isCallExpression(node) && calleeName(node) === 'preventDefault');
}

function callsWithTrue(listener: ts.Node): boolean {
  return some(
    listener,
    (node) => ts.isCallExpression(node) && node.arguments.some((argument) => argument.kind === ts.SyntaxKind.TrueKeyword),
  );
}

/** `callback(true)`, `() => true`, or `return true` inside a permission handler. */
function grantsUnconditionally(handler: ts.Node): boolean {
  if ((ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)) && handler.body.kind === ts.SyntaxKind.TrueKeyword) return true;
  return (
    callsWithTrue(handler) ||
    some(handler, (node) => ts.isReturnStatement(node) && node.expression?.kind === ts.SyntaxKind.TrueKeyword)
  );
}

function containsAllowAction(handler: ts.Node): boolean {
  return some(
    handler,
    (node) =>
      ts.isPropertyAssignment(node) &&
      propertyName(node) === 'action' &&
      !(ts.isStringLiteralLike(node.initializer) && node.initializer.text === 'deny') &&
      !(ts.isPropertyAccessExpression(node.initializer) && node.initializer.name.text === 'action'),
  );
}

/**
 * shell.openExternal(x) is accepted only when x is a const initialised from
 * externalLinkTarget(...) in the same function, the validation in desktop/policy.ts.
 */
function comesFromPolicy(call: ts.CallExpression, argument: ts.Expression | undefined): boolean {
  if (!argument || !ts.isIdentifier(argument)) return false;
  let scope: ts.Node | undefined = call.parent;
  while (scope && !ts.isFunctionLike(scope)) scope = scope.parent;
  if (!scope) return false;
  return some(
    scope,
    (node) =>
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === argument.text &&
      ts.isVariableDeclarationList(node.parent) &&
      (node.parent.flags & ts.NodeFlags.Const) !== 0 &&
      node.initializer !== undefined &&
      ts.isCallExpression(node.initializer) &&
      calleeName(node.initializer) === 'externalLinkTarget',
  );
}

function referencesIpcRenderer(value: ts.Expression, declarations: Map<string, ts.Expression>): boolean {
  const resolved = ts.isIdentifier(value) ? (declarations.get(value.text) ?? value) : value;
  return some(resolved, (node) => ts.isIdentifier(node) && node.text === 'ipcRenderer');
}

/** `ipcRenderer.on(channel, (event, ...) => callback(event))`: the page would get the event. */
function forwardsFirstParameter(listener: ts.Expression): boolean {
  if (!ts.isArrowFunction(listener) && !ts.isFunctionExpression(listener)) return true; // cannot see what it does
  const first = listener.parameters[0];
  if (!first || !ts.isIdentifier(first.name)) return false;
  const name = first.name.text;
  return some(
    listener.body,
    (node) =>
      (ts.isCallExpression(node) && node.arguments.some((argument) => ts.isIdentifier(argument) && argument.text === name)) ||
      (ts.isSpreadElement(node) && ts.isIdentifier(node.expression) && node.expression.text === name),
  );
}

/** A string literal, or a constant built from literals (`[...].join('; ')`), or null. */
function staticString(node: ts.Expression, declarations: Map<string, ts.Expression>): string | null {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isIdentifier(node)) {
    const declared = declarations.get(node.text);
    return declared ? staticString(declared, declarations) : null;
  }
  if (
    ts.isCallExpression(node) &&
    ts.isPropertyAccessExpression(node.expression) &&
    node.expression.name.text === 'join' &&
    ts.isArrayLiteralExpression(node.expression.expression)
  ) {
    const separator = node.arguments[0];
    const parts = node.expression.expression.elements.map((element) => (ts.isStringLiteralLike(element) ? element.text : null));
    if (parts.includes(null) || !separator || !ts.isStringLiteralLike(separator)) return null;
    return parts.join(separator.text);
  }
  return null;
}

/** What is wrong with a policy, or null. */
export function cspWeakness(policy: string): string | null {
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  const defaults = directives.get('default-src');
  if (!defaults) return 'it has no default-src';
  const scripts = directives.get('script-src') ?? defaults;
  if (scripts.some((source) => /^'unsafe-(inline|eval)'$|^'wasm-unsafe-eval'$/.test(source))) return "script-src allows 'unsafe-inline' or eval";
  if (defaults.some((source) => source.includes('unsafe'))) return "default-src allows 'unsafe-…'";
  for (const [name, sources] of directives) {
    if (sources.some((source) => source === '*' || /^(https?|wss?|data|blob|file):?$/.test(source) || /^(https?|wss?):\/\//.test(source))) {
      if (name === 'img-src' && sources.every((source) => source === "'self'" || source === 'data:')) continue;
      return `${name} allows remote or scheme-wide sources`;
    }
  }
  if (!directives.has('object-src') && !defaults.includes("'none'")) return "object-src is not 'none'";
  return null;
}
