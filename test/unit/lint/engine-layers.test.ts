import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The repository's own ESLint configuration, as `npm run lint` runs it.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: repo });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repo, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'daytwo/engine-layers').map((m) => m.message);
}

describe('the engine layering rule', () => {
  it('fails lint on a value import that goes up a layer', async () => {
    const errors = await layerErrors(
      'electron/engine/providers/kubernetes/new-provider.ts',
      "import { EstateState } from '../../state/estate-state.js';\nexport const made = EstateState;\n",
    );
    expect(errors).toEqual([expect.stringMatching(/^providers\/ \(layer 1\) may not import from state\/ \(layer 3\)/)]);
    expect(await layerErrors('electron/engine/sources/x.ts', "export { OperationsService } from '../operations/service.js';\n")).toHaveLength(1);
    expect(await layerErrors('electron/engine/metrics/x.ts', "import { operationModules } from '../operations/modules.js';\nexport const m = operationModules;\n")).toHaveLength(1);
  });

  it('lets values flow down and types cross', async () => {
    expect(await layerErrors('electron/engine/operations/x.ts', "import { ClusterCalls } from '../providers/kubernetes/cluster-calls.js';\nexport const c = ClusterCalls;\n")).toEqual([]);
    expect(await layerErrors('electron/engine/providers/x.ts', "import type { EstateSink } from '../state/estate-sink.js';\nexport type S = EstateSink;\n")).toEqual([]);
    expect(await layerErrors('electron/engine/state/x.ts', "import { type EstateSink } from './estate-sink.js';\nexport type S = EstateSink;\n")).toEqual([]);
  });

  it('asks for a layer for a new engine folder', async () => {
    expect(await layerErrors('electron/engine/forecasts/x.ts', "import { EstateState } from '../state/estate-state.js';\nexport const s = EstateState;\n")).toEqual([
      expect.stringMatching(/"forecasts" has no layer/),
    ]);
  });
});
