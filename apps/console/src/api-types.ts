// Shapes of the manager's REST answers the console reads (snake_case, as the API sends them).

export type RoleName = 'root' | 'guest';

export interface User {
  id: number;
  name: string;
  email?: string;
  bio?: string;
  state: 'enable' | 'disable' | string;
  must_change_password?: boolean;
  roles: string[];
  created_at?: string;
  updated_at?: string;
}

export interface SessionInfo {
  user: User;
  /** ISO instant the current token expires. */
  expire: string;
  /** ISO instant after which the session cannot be refreshed any more (orig_iat + maxRefresh). */
  refresh_until: string;
}

export interface BlockListRule {
  applications?: string[];
  urls?: string[];
  tags?: string[];
  priorities?: number[];
}

export interface SchedulerCluster {
  id: number;
  name: string;
  bio: string;
  config: { candidate_parent_limit: number; filter_parent_limit: number; job_rate_limit?: number };
  client_config: { load_limit: number; concurrent_piece_count?: number; block_list?: unknown };
  seed_client_config: { load_limit?: number; block_list?: unknown };
  scopes: { idc?: string; location?: string; cidrs?: string[]; hostnames?: string[] };
  is_default: boolean;
  seed_peer_cluster_ids?: number[];
  created_at: string;
  updated_at: string;
}

export interface SeedPeerCluster {
  id: number;
  name: string;
  bio: string;
  config: { load_limit: number };
  scheduler_cluster_ids?: number[];
  created_at: string;
}

export interface Scheduler {
  id: number;
  host_name: string;
  ip: string;
  idc: string;
  location: string;
  port: number;
  state: string;
  features: string[];
  last_keep_alive_at: string | null;
  scheduler_cluster_id: number;
  created_at: string;
}

export interface SeedPeer {
  id: number;
  host_name: string;
  type: string;
  idc: string;
  location: string;
  ip: string;
  port: number;
  download_port: number;
  state: string;
  last_keep_alive_at: string | null;
  seed_peer_cluster_id: number;
  created_at: string;
}

export interface Peer {
  id: number;
  host_name: string;
  ip: string;
  type?: string;
  state?: string;
  scheduler_cluster_id?: number;
  git_version?: string;
  updated_at?: string;
}

export interface Application {
  id: number;
  name: string;
  url: string;
  bio: string;
  priority: { value: number; urls?: { regex: string; value: number }[] };
  created_at: string;
}

export interface PersonalAccessToken {
  id: number;
  name: string;
  bio?: string;
  scopes: string[];
  state: string;
  expired_at: string;
  last_used_at?: string | null;
  user_id: number;
  created_at: string;
  /** Only in the answer to the creation. */
  token?: string;
}

export interface Role {
  name: string;
  description: string;
  permissions: string[];
}

export interface Job {
  id: number;
  type: string;
  state: string;
  bio?: string;
  args?: Record<string, unknown>;
  result?: unknown;
  user_id?: number | null;
  scheduler_cluster_ids?: number[];
  created_at: string;
  updated_at: string;
  [more: string]: unknown;
}
