import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * A sandboxed preload is not loaded as a module: Electron reads its text and runs it inside
 * a function given `require` (for `electron` only), `process`, `exports` and `module`
 * (https://www.electronjs.org/docs/latest/tutorial/sandbox#preload-scripts). These compile
 * electron/preload.ts exactly as tsconfig.preload.json does and run the output that way.
 */
function compilePreload(): { output: string; outFile: string; diagnostics: readonly ts.Diagnostic[] } {
  const config = ts.readConfigFile('tsconfig.preload.json', (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, process.cwd());
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const source = program.getSourceFile(path.resolve('electron/preload.ts'));
  let output = '';
  let outFile = '';
  const emitted = program.emit(source, (file, text) => {
    if (file.endsWith('preload.js')) {
      output = text;
      outFile = path.relative(process.cwd(), file);
    }
  });
  return { output, outFile, diagnostics: [...ts.getPreEmitDiagnostics(program, source), ...emitted.diagnostics] };
}

describe('the compiled preload', () => {
  const { output, outFile, diagnostics } = compilePreload();

  it('compiles cleanly to out/preload/electron/preload.js, where main.ts points the window', () => {
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(outFile.split(path.sep).join('/')).toBe('out/preload/electron/preload.js');
  });

  it('has no ES module syntax and requires nothing but electron', () => {
    expect(output).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...output.matchAll(/require\(["']([^"']+)["']\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
  });

  it("runs the way Electron's sandbox runs a preload and exposes window.daytwo", () => {
    const exposed: Record<string, unknown> = {};
    const sent: unknown[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { on: () => undefined, send: (channel: string) => sent.push(channel) },
    };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return fakeElectron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    const module = { exports: {} };
    // lib/sandboxed_renderer/preload.ts: `(function(require, process, exports, module, …globals) {…})`
    const run = new Function('require', 'process', 'exports', 'module', output);
    run(sandboxRequire, {}, module.exports, module);
    expect(Object.keys(exposed)).toEqual(['daytwo']);
    expect(sent).toEqual(['daytwo:connect']);
  });
});
