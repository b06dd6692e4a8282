import type { ApiClient } from './api-client.js';
import type { Session } from './session.js';

/** What every page gets when it is shown. */
export interface PageContext {
  api: ApiClient;
  session: Session;
  /** The page's area; the page fills it. */
  main: HTMLElement;
  /** Path segments after the page name (#/jobs/12 → ["12"]). */
  params: string[];
  /** Query of the route (#/jobs?page=2). */
  query: URLSearchParams;
  /** Aborted when the user leaves the page: stops polling and late renders. */
  signal: AbortSignal;
  toast: (kind: 'error' | 'success' | 'info', text: string) => void;
  /** Re-renders the current page (after a change). */
  reload: () => void;
  now: () => number;
}

export type Page = (ctx: PageContext) => Promise<void>;
