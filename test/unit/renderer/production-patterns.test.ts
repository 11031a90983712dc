import { describe, expect, it } from 'vitest';
import { checkPattern, namesMatching } from '../../../renderer/features/settings/production-patterns.js';

describe('production patterns', () => {
  it('refuses what the engine would refuse, with a reason', () => {
    expect(checkPattern('  ', [])).toMatch(/Type a pattern/);
    expect(checkPattern('(', [])).toMatch(/regular-expression syntax/);
    expect(checkPattern('prod', ['prod'])).toMatch(/already in the list/);
    expect(checkPattern('x'.repeat(201), [])).toMatch(/at most 200/);
    expect(checkPattern('new', Array.from({ length: 50 }, (_, i) => `p${i}`))).toMatch(/At most 50/);
    expect(checkPattern('live-*', ['prod'])).toBeNull();
  });

  it('matches context names case-insensitively', () => {
    expect(namesMatching('*prod*', ['PROD-eu', 'staging', 'eu-prod-2'])).toEqual(['PROD-eu', 'eu-prod-2']);
    expect(namesMatching('prod-*', ['prod', 'prod-eu'])).toEqual(['prod-eu']);
  });
});
