import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookSyntaxError } from '../../../electron/engine/runbooks/parse-runbook.js';

function problemsOf(text: string): string[] {
  try {
    parseRunbook({ id: 'x', origin: 'test', path: 'x.md', text });
  } catch (err) {
    if (err instanceof RunbookSyntaxError) return err.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    throw err;
  }
  return [];
}

const loop = (foreach: string) => `---
title: Each node
parameters:
  context: {type: context}
  nodes: {type: string}
---

\`\`\`foreach
${foreach}
\`\`\`

\`\`\`action
id: cordon
title: Cordon {{node}}
operation: cordon
target: "k8s:{{context}}/Node/{{node}}"
\`\`\`

\`\`\`branch
id: again
title: Next
question: Go on?
goto: {yes: each}
\`\`\`

\`\`\`manual
id: done
title: Done
\`\`\`
`;

describe('foreach steps', () => {
  it('binds a name that the steps after it may use like a parameter', () => {
    expect(problemsOf(loop('id: each\ntitle: Next node\nover: "{{nodes}}"\nas: node\ndone: done'))).toEqual([]);
  });

  it('refuses a loop that ends nowhere, rebinds a parameter, or names no list', () => {
    expect(problemsOf(loop('id: each\ntitle: Next node\nover: "{{nodes}}"\nas: node\ndone: nowhere'))).toEqual([expect.stringContaining('foreach "each" goes to "nowhere" when done, and there is no such step')]);
    expect(problemsOf(loop('id: each\ntitle: Next node\nover: "{{nodes}}"\nas: context\ndone: done')).join('\n')).toContain('binds "context", which is already a parameter');
    expect(problemsOf(loop('id: each\ntitle: Next node\nas: node\ndone: done')).join('\n')).toContain('over');
  });
});
