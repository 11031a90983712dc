const storageKey = 'daytwo.hostToken';

/**
 * Host mode hands the page its API token in the URL fragment (never sent to the server, never
 * in logs). Take it once, keep it for this tab only so a reload still works, and remove it from
 * the address bar so it is not shared by a screenshot or a copied link.
 */
export function takeHostToken(location: Location, history: History, storage: Storage): string | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    try {
      storage.setItem(storageKey, fromUrl);
    } catch {
      // Storage can be disabled; the token still works until the tab reloads.
    }
    history.replaceState(null, '', location.pathname + location.search);
    return fromUrl;
  }
  try {
    return storage.getItem(storageKey);
  } catch {
    return null;
  }
}
