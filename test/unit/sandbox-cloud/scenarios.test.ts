import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachCloud } from '../../../electron/engine/sandbox/cloud.js';
import { defaultScenarioDir } from '../../../electron/engine/sandbox/scenarios/scenario-dir.js';
import { loadScenarios, parseScenario } from '../../../electron/engine/sandbox/scenarios/scenario-file.js';
import { expandImage } from '../../../electron/engine/sandbox/scenarios/scenario-run.js';
import { FakeWorld } from './fake-world.js';

const CHECKOUT = 'shop-prod-eks/shop/checkout';

describe('scenario files', () => {
  it('bundles the four scenarios the sandbox promises, all valid', () => {
    const names = loadScenarios(defaultScenarioDir()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['bad-deploy', 'traffic-surge', 'node-failure', 'saturated-dependency']));
  });

  it('names the file and the field when a scenario is wrong', () => {
    const text = 'name: oops\nsummary: x\ntarget: { tier: [api] }\nsteps:\n  - action: load\n    factor: -2\neffects: { pods: a, metrics: b }\nrecovery: { description: d, when: {} }\n';
    expect(() => parseScenario(text, '/tmp/oops.yaml')).toThrowError(/\/tmp\/oops\.yaml: invalid scenario:[\s\S]*steps\.0\.factor[\s\S]*recovery\.when: list at least one/);
    expect(() => parseScenario('name: [unclosed', '/tmp/x.yaml')).toThrowError(/x\.yaml: not valid YAML/);
    // Line and column of the value at fault, as file:line:column, so an editor jumps there.
    expect(() => parseScenario(text, '/tmp/oops.yaml')).toThrowError(/\/tmp\/oops\.yaml:6:13: steps\.0\.factor:/);
    expect(() => parseScenario(text, '/tmp/oops.yaml')).toThrowError(/\/tmp\/oops\.yaml:8:35: recovery\.when: list at least one/);
    // An unknown key is reported at the key itself.
    const typo = text.replace('factor: -2', 'factor: 2\n    facotr: 3').replace('when: {}', 'when: { targetReady: true }');
    expect(() => parseScenario(typo, '/tmp/oops.yaml')).toThrowError(/\/tmp\/oops\.yaml:7:5: steps\.0: Unrecognized key/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scenarios-'));
    writeFileSync(path.join(dir, 'surge.yaml'), text.replace('oops', 'wrong-name').replace('-2', '2').replace('when: {}', 'when: { targetReady: true }'));
    expect(() => loadScenarios(dir)).toThrowError(/must match the file name "surge"/);
  });

  it('expands image templates from the image the service ran', () => {
    expect(expandImage('{repository}:{tag}-broken', 'ghcr.io/shop/api:2.1.0')).toBe('ghcr.io/shop/api:2.1.0-broken');
    expect(expandImage('{repository}:{tag}-broken', 'localhost:5000/api')).toBe('localhost:5000/api:latest-broken');
  });
});

describe('running a scenario', () => {
  it('loads a scenario file from outside resources/ (--scenario FILE), starts it, and reports steady state per target after an emergency stop', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scenario-file-'));
    const file = path.join(dir, 'team-bad-deploy.yaml');
    const bundled = readFileSync(path.join(defaultScenarioDir(), 'bad-deploy.yaml'), 'utf8');
    writeFileSync(file, bundled.replace('name: bad-deploy', 'name: team-bad-deploy'));
    const world = new FakeWorld();
    const side = attachCloud(world, { scenario: file });
    const run = side.scenarios.run('team-bad-deploy');
    expect(run?.target.id).toBe(CHECKOUT);
    expect(side.scenarios.names()).toContain('bad-deploy');
    world.advance(30_000);
    expect(side.scenarios.steadyState().steady).toBe(false);
    side.scenarios.stopAll();
    world.advance(240_000);
    expect(side.scenarios.steadyState()).toEqual({ steady: true, problems: [] });
    side.stop();
  });

  it('bad deploy: the target crash-loops, errors rise, and rolling back is recognised as recovery', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const run = side.scenarios.start('bad-deploy');
    expect(run.target.id).toBe(CHECKOUT);
    world.advance(30_000);
    expect([...world.pods()].filter((p) => p.serviceId === CHECKOUT && p.crashing)).not.toHaveLength(0);
    expect(run.report().impactSeenAt).not.toBeNull();
    expect(run.status).toBe('running');
    // The operator rolls back (kubectl rollout undo sets the previous image).
    world.setImage(CHECKOUT, 'registry.example.com/shop/checkout:1.4.2');
    world.advance(240_000);
    const report = run.report();
    expect(report.status).toBe('recovered');
    expect(report.recovery.reached).toBe(true);
    expect(report.recovery.conditions.every((c) => c.met)).toBe(true);
    side.stop();
  });

  it('traffic surge: recovery is reached only once the target scales out', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const run = side.scenarios.start('traffic-surge');
    expect(run.target.id).toBe('shop-prod-eks/shop/web');
    world.advance(120_000);
    expect(run.status).toBe('running');
    expect(run.report().recovery.conditions.find((c) => c.name === 'cpuUtilizationBelow')?.met).toBe(false);
    world.setDesired('shop-prod-eks/shop/web', 12);
    world.advance(60_000);
    expect(run.status).toBe('recovered');
    side.stop();
  });

  it('node failure and saturated dependency hit what their files say', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, {});
    const failure = side.scenarios.start('node-failure');
    expect([...world.nodes()].filter((n) => !n.ready).map((n) => `${n.cluster}/${n.name}`)).toEqual([failure.report().node]);
    world.advance(30_000);
    expect(failure.status).toBe('recovered');
    const saturation = side.scenarios.start('saturated-dependency');
    expect(saturation.target.id).toBe('shop-prod-eks/shop/orders-db');
    world.advance(5_000);
    expect(side.load.serviceAt('shop-prod-eks/shop/checkout', world.now())!.p99Ms).toBeGreaterThan(side.load.serviceAt('shop-prod-eks/shop/checkout', world.now() - 86_400_000)!.p99Ms * 3);
    side.scenarios.stop('saturated-dependency');
    expect(side.load.effectsOn('shop-prod-eks/shop/orders-db')).toEqual({ loadFactor: 1, capacityFactor: 1 });
    side.stop();
  });

  it('starts at launch by name, and refuses an unknown name clearly', () => {
    const world = new FakeWorld();
    const side = attachCloud(world, { scenario: 'traffic-surge' });
    expect(side.scenarios.run('traffic-surge')?.status).toBe('running');
    expect(() => side.startScenario('meteor-strike')).toThrowError(/Unknown scenario "meteor-strike"\. Known: .*bad-deploy/);
    side.stop();
  });
});
