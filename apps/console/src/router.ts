// Hash routes (#/jobs/12): the manager serves one document at /, so deep links need no server
// fallback and never put anything secret in a request path.

export interface Route {
  /** First path segment: "overview", "clusters" … */
  page: string;
  /** Remaining segments, e.g. the id in #/jobs/12. */
  params: string[];
  /** After "?" (#/jobs?page=2). */
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  return { page: parts[0] ?? 'overview', params: parts.slice(1), query: new URLSearchParams(search) };
}

export function href(page: string, ...params: (string | number)[]): string {
  return `#/${[page, ...params.map((p) => encodeURIComponent(String(p)))].join('/')}`;
}

/** A link to the same route with other query values (undefined removes one). */
export function withQuery(link: string, values: Record<string, string | number | undefined>): string {
  const [path = '', search = ''] = link.split('?');
  const q = new URLSearchParams(search);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** The 1-based page number in a query, 1 when absent or invalid. */
export function pageNumber(query: URLSearchParams): number {
  const n = Number(query.get('page'));
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}
