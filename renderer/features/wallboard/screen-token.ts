/** A screen link's token (scr_…, electron/engine/screens/screen-links.ts): the page it opens shows the wallboard and nothing else. */
export function isScreenToken(token: string | null): boolean {
  return token !== null && token.startsWith('scr_');
}
