import { describe, expect, it } from 'vitest';
import { operationParams } from '../../../shared/api/operations.js';
import {
  canaryPairBackends,
  canaryWeights,
  describeSplit,
  httpRouteRuleBackends,
  sharesOf,
  stableBackend,
  weightsProblem,
} from '../../../shared/traffic/traffic-split.js';
import { observedShares, proposedSplit } from '../../../electron/engine/operations/kinds/traffic-split.js';

const route = (weights: Record<string, number>) => ({ backends: sharesOf(Object.entries(weights).map(([service, weight]) => ({ service, port: 80, weight }))), stable: 'web' });
const pair = (canary: number, total = 100) => ({
  backends: canaryPairBackends({ service: 'web', port: 80 }, { service: 'web-canary', port: 80 }, { weight: canary, total }),
  stable: 'web',
  pair: { total, main: { metadata: { name: 'web' } }, canary: { metadata: { name: 'web-canary' } } },
});

describe('reading a split', () => {
  it('fills in Gateway API defaults: weight 1, kind Service, and skips other kinds', () => {
    const rule = { backendRefs: [{ name: 'web', port: 80 }, { name: 'web-canary', weight: 3 }, { name: 'bucket', group: 'storage.example.com', kind: 'Bucket', weight: 5 }] };
    expect(httpRouteRuleBackends(rule)).toEqual([
      { service: 'web', port: 80, weight: 1 },
      { service: 'web-canary', port: null, weight: 3 },
    ]);
  });

  it('gives each backend its weight over the sum, and nothing when every weight is 0', () => {
    expect(sharesOf([{ service: 'a', port: null, weight: 90 }, { service: 'b', port: null, weight: 10 }]).map((s) => s.share)).toEqual([0.9, 0.1]);
    expect(sharesOf([{ service: 'a', port: null, weight: 1 }, { service: 'b', port: null, weight: 3 }]).map((s) => s.share)).toEqual([0.25, 0.75]);
    expect(sharesOf([{ service: 'a', port: null, weight: 0 }]).map((s) => s.share)).toEqual([0]);
  });

  it('reads canary-weight out of canary-weight-total, 100 by default, as ingress-nginx does', () => {
    expect(canaryWeights({ 'nginx.ingress.kubernetes.io/canary-weight': '30' })).toEqual({ weight: 30, total: 100 });
    expect(canaryWeights({ 'nginx.ingress.kubernetes.io/canary-weight': '3', 'nginx.ingress.kubernetes.io/canary-weight-total': '10' })).toEqual({ weight: 3, total: 10 });
    expect(canaryWeights({ 'nginx.ingress.kubernetes.io/canary-weight': 'lots' })).toEqual({ weight: 0, total: 100 });
    expect(canaryWeights({ 'nginx.ingress.kubernetes.io/canary-weight': '500' })).toEqual({ weight: 100, total: 100 });
    expect(describeSplit(canaryPairBackends({ service: 'web', port: 80 }, { service: 'web-canary', port: 80 }, { weight: 1, total: 3 }))).toBe('web 66.7% · web-canary 33.3%');
  });

  it('finds the stable backend: annotation, then the one not named -canary, then the heavier weight', () => {
    const backends = [
      { service: 'blue', port: null, weight: 20 },
      { service: 'green', port: null, weight: 80 },
    ];
    expect(stableBackend(backends, 'blue')).toBe('blue');
    expect(stableBackend(backends, undefined)).toBe('green');
    expect(stableBackend(backends, undefined, [{ service: 'blue', port: null, weight: 100 }, { service: 'green', port: null, weight: 0 }])).toBe('blue');
    expect(stableBackend([{ service: 'web-canary', port: null, weight: 90 }, { service: 'web', port: null, weight: 10 }], undefined)).toBe('web');
  });
});

describe('validating new weights', () => {
  it('wants non-negative whole numbers with at least one above 0', () => {
    expect(weightsProblem([50, 50])).toBeNull();
    expect(weightsProblem([100, 0])).toBeNull();
    expect(weightsProblem([-1, 50])).toMatch(/negative/);
    expect(weightsProblem([0.5, 50])).toMatch(/whole numbers/);
    expect(weightsProblem([0, 0])).toMatch(/at least one backend/i);
    expect(weightsProblem([])).toMatch(/at least one backend/);
    expect(weightsProblem([2_000_000])).toMatch(/at most 1000000/);
  });

  it('wants a canary pair to add up to its total', () => {
    expect(weightsProblem([70, 30], 100)).toBeNull();
    expect(weightsProblem([70, 40], 100)).toMatch(/add up to its total, 100/);
    expect(weightsProblem([11, 0], 10)).toMatch(/at most 10/);
  });

  it('refuses params with both or neither of weights and allToStable', () => {
    const schema = operationParams['traffic-split'];
    expect(schema.safeParse({ allToStable: true }).success).toBe(true);
    expect(schema.safeParse({ weights: [{ service: 'web', weight: 10 }] }).success).toBe(true);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ allToStable: true, weights: [{ service: 'web', weight: 10 }] }).success).toBe(false);
    expect(schema.safeParse({ weights: [{ service: 'web', weight: -1 }] }).success).toBe(false);
    expect(schema.safeParse({ weights: [{ service: 'web', weight: 1.5 }] }).success).toBe(false);
  });
});

describe('planning a split', () => {
  it('moves named backends and keeps the rest of an HTTPRoute rule as it is', () => {
    const next = proposedSplit(route({ web: 80, 'web-canary': 10, 'web-shadow': 10 }), { weights: [{ service: 'web-canary', weight: 0 }] });
    expect(next.map((b) => [b.service, b.weight])).toEqual([
      ['web', 80],
      ['web-canary', 0],
      ['web-shadow', 10],
    ]);
    expect(next.map((b) => b.share)).toEqual([80 / 90, 0, 10 / 90]);
  });

  it('sends everything to stable: 100 to it and 0 to the rest', () => {
    expect(proposedSplit(route({ web: 50, 'web-canary': 50 }), { allToStable: true }).map((b) => [b.service, b.weight, b.share])).toEqual([
      ['web', 100, 1],
      ['web-canary', 0, 0],
    ]);
  });

  it('turns the one knob of a canary pair, whichever side is named', () => {
    expect(proposedSplit(pair(50), { weights: [{ service: 'web-canary', weight: 20 }] }).map((b) => b.weight)).toEqual([80, 20]);
    expect(proposedSplit(pair(50), { weights: [{ service: 'web', weight: 90 }] }).map((b) => b.weight)).toEqual([90, 10]);
    expect(proposedSplit(pair(5, 10), { allToStable: true }).map((b) => [b.weight, b.share])).toEqual([
      [10, 1],
      [0, 0],
    ]);
  });

  it('refuses a backend the route does not have, a backend named twice, all zero, and a pair that does not add up', () => {
    expect(() => proposedSplit(route({ web: 50, 'web-canary': 50 }), { weights: [{ service: 'api', weight: 1 }] })).toThrow(/not a backend/);
    expect(() => proposedSplit(route({ web: 50, 'web-canary': 50 }), { weights: [{ service: 'web', weight: 1 }, { service: 'web', weight: 2 }] })).toThrow(/named twice/);
    expect(() => proposedSplit(route({ web: 50, 'web-canary': 50 }), { weights: [{ service: 'web', weight: 0 }, { service: 'web-canary', weight: 0 }] })).toThrow(/at least one backend/i);
    expect(() => proposedSplit(pair(50), { weights: [{ service: 'web', weight: 60 }, { service: 'web-canary', weight: 60 }] })).toThrow(/add up to its total/);
    expect(() => proposedSplit(pair(50), { weights: [{ service: 'web', weight: 120 }] })).toThrow(/negative|at most/);
  });
});

describe('judging the split from request rates', () => {
  const expected = sharesOf([
    { service: 'web', port: null, weight: 100 },
    { service: 'web-canary', port: null, weight: 0 },
  ]);
  const reading = (web: number, canary: number) => ({
    source: 'prometheus:x',
    byService: new Map([
      ['web', { requestsPerSecond: web, errorRatio: 0, p99Ms: 100 }],
      ['web-canary', { requestsPerSecond: canary, errorRatio: 0.6, p99Ms: 100 }],
    ]),
  });

  it("measures each backend's share of all their requests", () => {
    expect(observedShares(expected, reading(30, 10))).toEqual([
      { service: 'web', share: 0.75, expected: 1 },
      { service: 'web-canary', share: 0.25, expected: 0 },
    ]);
  });

  it('waits for traffic rather than judging noise', () => {
    expect(observedShares(expected, reading(0.1, 0.1))).toBeNull();
  });
});
