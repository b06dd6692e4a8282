// Hash routes (#/jobs/12): the manager serves one document at /, so deep links need no server
// fallback and never put anything secret in a request path.

export interface Route {
  /** First path segment: "overview", "clusters" … */
  page: string;
  /** Remaining segments, e.g. the id in #/jobs/12. */
  params: string[];
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  return { page: parts[0] ?? 'overview', params: parts.slice(1) };
}

export function href(page: string, ...params: (string | number)[]): string {
  return `#/${[page, ...params.map((p) => encodeURIComponent(String(p)))].join('/')}`;
}
