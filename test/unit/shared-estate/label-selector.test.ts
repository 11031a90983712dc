import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  LabelSelectorSyntaxError,
  parseLabelSelector,
  requirementsMatch,
  selectorMatches,
  serviceSelectorMatches,
} from '../../../shared/estate/label-selector.js';

// The examples of https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
const prodFrontend = { environment: 'production', tier: 'frontend' };
const qaBackend = { environment: 'qa', tier: 'backend' };
const devCache = { environment: 'dev', tier: 'cache', partition: 'customerA' };
const bare = {};
const all = { prodFrontend, qaBackend, devCache, bare };

function matching(selector: string): string[] {
  const requirements = parseLabelSelector(selector);
  return Object.entries(all)
    .filter(([, labels]) => requirementsMatch(labels, requirements))
    .map(([name]) => name);
}

describe('label selectors, as the Kubernetes documentation spells them', () => {
  it('equality-based: = and == select by value, != also selects objects without the key', () => {
    expect(matching('environment = production')).toEqual(['prodFrontend']);
    expect(matching('environment==production')).toEqual(['prodFrontend']);
    expect(matching('tier != frontend')).toEqual(['qaBackend', 'devCache', 'bare']);
    expect(matching('environment=production,tier!=frontend')).toEqual([]);
  });

  it('set-based: in, notin (which selects objects without the key), exists and !exists', () => {
    expect(matching('environment in (production, qa)')).toEqual(['prodFrontend', 'qaBackend']);
    expect(matching('tier notin (frontend, backend)')).toEqual(['devCache', 'bare']);
    expect(matching('partition')).toEqual(['devCache']);
    expect(matching('!partition')).toEqual(['prodFrontend', 'qaBackend', 'bare']);
    expect(matching('partition in (customerA, customerB),environment!=qa')).toEqual(['devCache']);
    expect(matching('partition,environment notin (qa)')).toEqual(['devCache']);
  });

  it('the empty selector matches everything', () => {
    expect(matching('')).toEqual(['prodFrontend', 'qaBackend', 'devCache', 'bare']);
  });

  it('refuses what the API server refuses, naming the requirement', () => {
    expect(() => parseLabelSelector('environment in production')).toThrow(LabelSelectorSyntaxError);
    expect(() => parseLabelSelector('a=b,,c=d')).toThrow(/empty requirement/);
    expect(() => parseLabelSelector('env in (a,b')).toThrow(/unbalanced/);
    expect(() => parseLabelSelector('-bad=x')).toThrow(/invalid label key/);
    expect(() => parseLabelSelector('app=has space')).toThrow(LabelSelectorSyntaxError);
  });

  it('accepts prefixed keys such as app.kubernetes.io/name', () => {
    expect(parseLabelSelector('app.kubernetes.io/name=shop')).toEqual([{ key: 'app.kubernetes.io/name', op: '=', values: ['shop'] }]);
  });
});

describe('structured selectors (spec.selector of workloads and PDBs)', () => {
  it('absent selects nothing, empty selects everything', () => {
    expect(selectorMatches(undefined, prodFrontend)).toBe(false);
    expect(selectorMatches(null, prodFrontend)).toBe(false);
    expect(selectorMatches({}, prodFrontend)).toBe(true);
  });

  it('matchLabels and matchExpressions are ANDed', () => {
    const selector = { matchLabels: { tier: 'frontend' }, matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'qa'] }] };
    expect(selectorMatches(selector, prodFrontend)).toBe(true);
    expect(selectorMatches(selector, qaBackend)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'partition', operator: 'DoesNotExist' }] }, devCache)).toBe(false);
  });

  it('an unknown operator selects nothing (the API server would have refused the object)', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, prodFrontend)).toBe(false);
  });

  it('does not find labels through Object.prototype', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {})).toBe(false);
    expect(requirementsMatch({}, parseLabelSelector('toString'))).toBe(false);
  });

  it('formats as kubectl -l would take it, and the text parses back to the same meaning', () => {
    const selector = {
      matchLabels: { app: 'shop' },
      matchExpressions: [
        { key: 'tier', operator: 'NotIn', values: ['cache'] },
        { key: 'partition', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    const text = formatLabelSelector(selector);
    expect(text).toBe('app=shop,tier notin (cache),partition,!legacy');
    const labels = { app: 'shop', tier: 'web', partition: 'x' };
    expect(requirementsMatch(labels, parseLabelSelector(text))).toBe(selectorMatches(selector, labels));
  });
});

describe('Service selectors (a plain map)', () => {
  it('an empty or absent map selects nothing', () => {
    expect(serviceSelectorMatches({}, prodFrontend)).toBe(false);
    expect(serviceSelectorMatches(null, prodFrontend)).toBe(false);
    expect(serviceSelectorMatches({ tier: 'frontend' }, prodFrontend)).toBe(true);
    expect(serviceSelectorMatches({ tier: 'frontend', environment: 'qa' }, prodFrontend)).toBe(false);
  });
});
