import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, parseRules } from '../../../electron/engine/catalog/scorecard-rules.js';
import { evaluateServiceInSteps, levelOf, unpinnedImage } from '../../../electron/engine/catalog/scorecard-checks.js';
import type { EstateReader } from '../../../electron/engine/state/estate-reader.js';

/** The rules file: the bundled one parses, and a bad one is refused at its own line and column. */

const bundled = path.resolve(import.meta.dirname, '../../../resources/scorecards/default.yaml');

describe('the scorecard rules file', () => {
  it('bundles rules for every check the issue lists, in three levels', () => {
    const loaded = loadRules(bundled);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.rules.levels).toEqual(['bronze', 'silver', 'gold']);
    expect(new Set(loaded.rules.rules.map((r) => r.check)).size).toBe(14);
  });

  it('refuses a check it does not know, with file, line and the checks it does', () => {
    const outcome = parseRules('team.yaml', 'levels: [bronze]\nrules:\n  - id: x\n    title: X\n    level: bronze\n    check: has-swagger\n');
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems[0]).toMatchObject({ file: 'team.yaml', line: 6, column: 12 });
    expect(outcome.problems[0]?.message).toMatch(/check must be one of: owner-on-call/);
  });

  it('refuses a parameter the check does not take, and a duplicate id', () => {
    const text = [
      'levels: [bronze]',
      'rules:',
      '  - { id: r, title: R, level: bronze, check: min-replicas, with: { minimum: 3 } }',
      '  - { id: r, title: R2, level: bronze, check: spread }',
    ].join('\n');
    const outcome = parseRules('t.yaml', text);
    if (outcome.ok) throw new Error('accepted');
    expect(outcome.problems.map((p) => [p.line, p.message])).toEqual([
      [3, expect.stringMatching(/rules\[0\]\.with: .*minimum/)],
      [4, 'rules[1].id: "r" is already the id of an earlier rule.'],
    ]);
  });

  it('says where YAML itself is broken', () => {
    const outcome = parseRules('t.yaml', 'levels: [bronze\nrules: []\n');
    if (outcome.ok) throw new Error('accepted');
    expect(outcome.problems[0]?.file).toBe('t.yaml');
    expect(outcome.problems[0]?.line).toBeGreaterThanOrEqual(1);
  });
});

describe('levels and images', () => {
  it('reaches the highest level below the first level with a failing rule', () => {
    const levels = ['bronze', 'silver', 'gold'];
    expect(levelOf([{ level: 'bronze', status: 'pass' }, { level: 'silver', status: 'fail' }, { level: 'gold', status: 'pass' }], levels)).toBe('bronze');
    expect(levelOf([{ level: 'bronze', status: 'fail' }], levels)).toBeNull();
    expect(levelOf([{ level: 'bronze', status: 'not-applicable' }], levels)).toBe('gold');
  });

  it('calls untagged and :latest images unpinned, and a registry port is not a tag', () => {
    expect(unpinnedImage('busybox')).toBe('untagged');
    expect(unpinnedImage('nginx:latest')).toBe('latest');
    expect(unpinnedImage('registry.local:5000/team/app')).toBe('untagged');
    expect(unpinnedImage('registry.local:5000/team/app:1.2.3')).toBeNull();
    expect(unpinnedImage('app@sha256:abc')).toBeNull();
  });

  it('evaluates a service a rule per step, so the catalog\u2019s sliced pass can stop between any two', () => {
    const loaded = loadRules(bundled);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const rules = loaded.rules;
    // A reader that knows nothing, and one odd enough to make a check throw.
    const reader = { get: () => undefined, find: () => [], children: () => [], parent: () => undefined, relationsOf: () => [], related: () => [], withDescendants: () => [] } as EstateReader;
    const ctx = { reader, runbooks: () => { throw new Error('no runbook index'); }, kubeReasonCounts: () => new Map(), now: 1 };
    const service = { id: 'web', name: 'web', system: null, team: null, owner: null, ownerFrom: null, tier: null, lifecycle: null, onCall: null, links: [], runbooks: [], workloads: [], clusters: [], declared: null };
    const steps = evaluateServiceInSteps(service, rules, ctx);
    let yielded = 0;
    let step = steps.next();
    while (!step.done) {
      yielded++;
      step = steps.next();
    }
    expect(yielded).toBe(rules.rules.length - 1);
    expect(step.value.results.map((r) => r.ruleId)).toEqual(rules.rules.map((r) => r.id));
    expect(step.value.evaluatedAt).toBe(1);
  });
});
