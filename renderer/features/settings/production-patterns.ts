import { globMatches, maxPatterns, patternProblem } from '../../../shared/settings/production-patterns.js';

/** Why a new pattern cannot be added, or null if it can; the contract's own rule, caught while typing. */
export function checkPattern(pattern: string, existing: readonly string[]): string | null {
  const trimmed = pattern.trim();
  const problem = patternProblem(trimmed);
  if (problem) return problem;
  if (existing.includes(trimmed)) return `“${trimmed}” is already in the list.`;
  if (existing.length >= maxPatterns) return `At most ${maxPatterns} patterns.`;
  return null;
}

/** Which of these names a pattern marks as production, with the engine's own matcher. */
export function namesMatching(pattern: string, names: readonly string[]): string[] {
  return names.filter((name) => globMatches(pattern, name));
}
