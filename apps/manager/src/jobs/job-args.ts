/** Which peers a preheat warms (upstream's scopes). */
export type PreheatScope = 'single_seed_peer' | 'all_seed_peers' | 'all_peers';
export const PREHEAT_SCOPES: readonly PreheatScope[] = ['single_seed_peer', 'all_seed_peers', 'all_peers'];

/** Preheat arguments as the API takes them (upstream's snake_case names). */
export interface PreheatArgs {
  type: 'image' | 'file';
  url: string;
  /** file: more URLs preheated with the same options. */
  urls?: string[];
  platform?: string;
  scope?: PreheatScope;
  headers?: Record<string, string>;
  username?: string;
  password?: string;
  tag?: string;
  application?: string;
  /** Query parameters left out of the task ID, "&"-joined as upstream. */
  filtered_query_params?: string;
  piece_length?: number;
  /** all_seed_peers / all_peers: only these IPs; else `count` peers; else `percentage` of them; else all. */
  ips?: string[];
  count?: number;
  percentage?: number;
  concurrent_task_count?: number;
  concurrent_peer_count?: number;
  /** Seconds. */
  timeout?: number;
}

/** get_task / delete_task arguments: a task ID, or what computes one. */
export interface TaskArgs {
  task_id?: string;
  url?: string;
  tag?: string;
  application?: string;
  filtered_query_params?: string;
  piece_length?: number;
  content_for_calculating_task_id?: string;
  concurrent_peer_count?: number;
  /** Seconds. */
  timeout?: number;
}

/** Parses "&"-joined filtered query params; undefined → the default list. */
export function filteredParamsOf(text: string | undefined): string[] | undefined {
  if (text === undefined || text === '') return undefined;
  return text
    .split('&')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
