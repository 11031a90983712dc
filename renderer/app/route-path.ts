/**
 * Where the person is: a view id and optional path segments after it, kept in the URL
 * fragment (#/sources, later #/entity/<id>) so reload and back/forward work in host mode and
 * in the desktop shell alike, with no server routes.
 */
export interface Route {
  view: string;
  rest: string[];
}

export function parseRoute(hash: string): Route | null {
  const path = hash.replace(/^#\/?/, '');
  if (path === '' || path.startsWith('token=')) return null;
  const [view, ...rest] = path.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return view ? { view, rest } : null;
}

export function routeHash(view: string, ...rest: string[]): string {
  return '#/' + [view, ...rest].map(encodeURIComponent).join('/');
}
