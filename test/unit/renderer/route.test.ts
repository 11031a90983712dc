import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../../../renderer/app/route-path.js';

describe('routes in the URL fragment', () => {
  it('round-trips a view with an id that contains separators', () => {
    const hash = routeHash('sources', 'k8s:prod/eu-1');
    expect(hash).toBe('#/sources/k8s%3Aprod%2Feu-1');
    expect(parseRoute(hash)).toEqual({ view: 'sources', rest: ['k8s:prod/eu-1'] });
  });

  it('treats an empty fragment and the host token fragment as no route', () => {
    expect(parseRoute('')).toBeNull();
    expect(parseRoute('#/')).toBeNull();
    expect(parseRoute('#token=abc')).toBeNull();
  });

  it('keeps a malformed escape as typed rather than failing', () => {
    expect(parseRoute('#/sources/%E0%A4%A')).toEqual({ view: 'sources', rest: ['%E0%A4%A'] });
  });
});
