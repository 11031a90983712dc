export interface FuzzyMatch {
  score: number;
  /** Indexes into the text that matched, for highlighting. */
  positions: number[];
}

/**
 * Subsequence match, case-insensitive, scored so that what a person meant ranks first:
 * matches at word starts and runs of consecutive letters count more, gaps count against.
 * "gs" finds "Go to Sources"; "thd" finds "Theme: dark".
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.trim().toLowerCase();
  if (q === '') return { score: 0, positions: [] };
  const t = text.toLowerCase();
  const positions: number[] = [];
  let score = 0;
  let from = 0;
  let previous = -2;
  const letters = [...q].filter((c) => c !== ' ');
  for (const [n, char] of letters.entries()) {
    // Prefer the next occurrence at a word start over the nearest one mid-word.
    const nearest = t.indexOf(char, from);
    if (nearest === -1) return null;
    let index = nearest;
    for (let i = nearest; i !== -1 && previous !== i - 1; i = t.indexOf(char, i + 1)) {
      if (isWordStart(text, i) && isSubsequence(letters.slice(n + 1), t, i + 1)) {
        index = i;
        break;
      }
    }
    if (index === previous + 1) score += 5;
    if (isWordStart(text, index)) score += 8;
    score -= Math.min(index - from, 10) * 0.5;
    positions.push(index);
    previous = index;
    from = index + 1;
  }
  if (positions[0] === 0) score += 4;
  // Shorter texts with the same letters are the more specific match.
  score -= text.length * 0.05;
  return { score, positions };
}

function isSubsequence(letters: string[], t: string, from: number): boolean {
  let at = from;
  for (const char of letters) {
    at = t.indexOf(char, at);
    if (at === -1) return false;
    at += 1;
  }
  return true;
}

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1] ?? '';
  const here = text[index] ?? '';
  return /[\s:/._-]/.test(before) || (/[a-z]/.test(before) && /[A-Z]/.test(here));
}

/** Items ranked best first; ties keep their given order. */
export function rankByFuzzy<T>(
  items: readonly T[],
  query: string,
  textOf: (item: T) => string,
): Array<{ item: T; match: FuzzyMatch }> {
  const ranked: Array<{ item: T; match: FuzzyMatch; order: number }> = [];
  items.forEach((item, order) => {
    const match = fuzzyMatch(query, textOf(item));
    if (match) ranked.push({ item, match, order });
  });
  ranked.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return ranked.map(({ item, match }) => ({ item, match }));
}
