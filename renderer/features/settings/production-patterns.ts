/** Mirrors the contract's limits (shared/api/app.ts) so a mistake is caught while typing. */
export const maxPatterns = 50;
export const maxPatternLength = 200;

/** Why a new pattern cannot be added, or null if it can. */
export function checkPattern(pattern: string, existing: readonly string[]): string | null {
  const trimmed = pattern.trim();
  if (trimmed === '') return 'Type a pattern first.';
  if (trimmed.length > maxPatternLength) return `A pattern can be at most ${maxPatternLength} characters.`;
  if (existing.includes(trimmed)) return `“${trimmed}” is already in the list.`;
  if (existing.length >= maxPatterns) return `At most ${maxPatterns} patterns.`;
  try {
    new RegExp(trimmed, 'i');
  } catch (error) {
    return `Not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/** Which of these names a pattern marks as production (case-insensitive, as the engine reads it). */
export function namesMatching(pattern: string, names: readonly string[]): string[] {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'i');
  } catch {
    return [];
  }
  return names.filter((name) => re.test(name));
}
