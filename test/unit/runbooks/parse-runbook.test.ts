import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookSyntaxError } from '../../../electron/engine/runbooks/parse-runbook.js';
import { fill, fillValue } from '../../../electron/engine/runbooks/template.js';
import { compare, parseExpectation } from '../../../electron/engine/runbooks/expectation.js';

const BUNDLED = path.resolve(import.meta.dirname, '../../../resources/runbooks');

function problemsOf(text: string): string[] {
  try {
    parseRunbook({ id: 'x', origin: 'test', path: 'x.md', text });
  } catch (err) {
    if (err instanceof RunbookSyntaxError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
  return [];
}

const good = `---
title: Scale up
parameters:
  deployment: {type: deployment}
  replicas: {type: number, default: 4}
---

# Scale up {{deployment}}

Prose stays prose, and other fences stay examples:

\`\`\`sh
kubectl get pods
\`\`\`

\`\`\`manual
id: look
title: Look at {{deployment}}
\`\`\`

\`\`\`action
id: scale
title: Scale {{deployment}}
operation: scale
target: "k8s:ctx/shop/Deployment/{{deployment}}"
params:
  replicas: "{{replicas}}"
\`\`\`
`;

describe('a runbook file', () => {
  it('parses front matter and typed steps, leaving other fenced blocks as prose', () => {
    const runbook = parseRunbook({ id: 'scale-up', origin: 'test', path: 'scale-up.md', text: good });
    expect(runbook.title).toBe('Scale up');
    expect(runbook.parameters.replicas).toEqual({ type: 'number', default: 4 });
    expect(runbook.steps.map((s) => `${s.type}:${s.id}`)).toEqual(['manual:look', 'action:scale']);
    expect(runbook.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(runbook.markdown).toContain('# Scale up {{deployment}}');
  });

  it('refuses a YAML error in a step with the file’s own line and column', () => {
    const text = good.replace('id: look\n', 'id: look\nid: again\n');
    const line = text.split('\n').findIndex((l) => l === 'id: again') + 1;
    expect(problemsOf(text)).toEqual([expect.stringMatching(new RegExp(`^${line}:1 Map keys must be unique`))]);
  });

  it('points at an unknown key, a bad type and an unknown operation where they are written', () => {
    const text = good.replace('  replicas: {type: number, default: 4}', '  replicas: {type: nubmer, default: 4}').replace('operation: scale', 'operation: scael').replace('id: look\n', 'id: look\nbogus: 1\n');
    const lines = text.split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const problems = problemsOf(text);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${at('nubmer')}:\\d+ front matter: parameters\\.replicas\\.type`)));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${at('bogus')}:1 manual step: .*bogus`)));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${at('scael')}:\\d+ action step: operation`)));
  });

  it('refuses a placeholder that names no parameter, a branch to nowhere and an approval of no action', () => {
    const text = `${good}
\`\`\`branch
id: decide
title: Decide
question: Up or down?
goto:
  up: scale
  down: nowhere
\`\`\`

\`\`\`approval
id: ok
title: Approve {{who}}
gates: look
\`\`\`
`;
    const problems = problemsOf(text).join('\n');
    expect(problems).toContain('goes to "nowhere" on down');
    expect(problems).toContain('uses {{who}}, which is not a parameter');
    expect(problems).toContain('gates "look", which is not an action step');
  });

  it('refuses a file without front matter at 1:1', () => {
    expect(problemsOf('# Just prose\n')).toEqual([expect.stringMatching(/^1:1 a runbook opens with YAML front matter/)]);
  });

  it('parses every bundled runbook', () => {
    for (const name of fs.readdirSync(BUNDLED).filter((n) => n.endsWith('.md') && n !== 'README.md')) {
      const file = path.join(BUNDLED, name);
      expect(() => parseRunbook({ id: name, origin: 'bundled', path: file, text: fs.readFileSync(file, 'utf8') }), name).not.toThrow();
    }
  });
});

describe('placeholders and expectations', () => {
  it('fills placeholders, keeping a whole-value placeholder’s type', () => {
    expect(fill('roll {{ deployment }} back', { deployment: 'web' })).toBe('roll web back');
    expect(fillValue('{{revision}}', { revision: 3 })).toBe(3);
    expect(() => fill('{{missing}}', {})).toThrow('{{missing}}');
  });

  it('compares a value with "< 0.02" and refuses what is not a comparison', () => {
    expect(compare(0.01, parseExpectation('< 0.02'))).toBe(true);
    expect(compare(0.3, parseExpectation('<0.02'))).toBe(false);
    expect(compare(1, parseExpectation('>= 1'))).toBe(true);
    expect(() => parseExpectation('below 2%')).toThrow('comparison');
  });
});
