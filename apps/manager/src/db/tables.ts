import type { Generated } from 'kysely';

// Row shapes of every table. Portable across SQLite, PostgreSQL and MySQL/MariaDB:
// timestamps are ISO-8601 UTC strings (fixed width, so they compare as text), booleans are 0/1
// integers, JSON documents are text that repositories parse and validate.

export interface UsersTable {
  id: Generated<number>;
  name: string;
  email: string;
  encrypted_password: string;
  state: string; // 'enable' | 'disable'
  bio: string;
  avatar: string;
  phone: string;
  location: string;
  /** Bumped on sign-out-everywhere, password change and disable: tokens carrying an older value are revoked. */
  token_version: number;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

export interface RolesTable {
  id: Generated<number>;
  name: string;
  description: string;
  created_at: string;
  updated_at: string;
}

export interface UserRolesTable {
  user_id: number;
  role_id: number;
}

export interface PersonalAccessTokensTable {
  id: Generated<number>;
  name: string;
  bio: string;
  /** sha256 hex of the secret part; the token itself is shown once and never stored. */
  token_hash: string;
  scopes: string; // JSON string[]
  state: string; // 'active' | 'inactive'
  expired_at: string;
  last_used_at: string | null;
  user_id: number;
  created_at: string;
  updated_at: string;
}

export interface RevokedSessionsTable {
  session_id: string;
  /** After this instant no token of the session can be valid or refreshed: the row may be deleted. */
  expires_at: string;
}

export interface SchedulerClustersTable {
  id: Generated<number>;
  name: string;
  bio: string;
  config: string; // JSON
  client_config: string; // JSON
  seed_client_config: string; // JSON
  scopes: string; // JSON
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface SeedPeerClustersTable {
  id: Generated<number>;
  name: string;
  bio: string;
  config: string; // JSON
  created_at: string;
  updated_at: string;
}

export interface SeedPeerClusterSchedulerClustersTable {
  seed_peer_cluster_id: number;
  scheduler_cluster_id: number;
}

export interface SchedulersTable {
  id: Generated<number>;
  host_name: string;
  ip: string;
  idc: string;
  location: string;
  port: number;
  state: string; // 'active' | 'inactive'
  features: string; // JSON string[]
  config: string; // JSON
  last_keep_alive_at: string | null;
  scheduler_cluster_id: number;
  created_at: string;
  updated_at: string;
}

export interface SeedPeersTable {
  id: Generated<number>;
  host_name: string;
  type: string; // 'super' | 'strong' | 'weak'
  idc: string;
  location: string;
  ip: string;
  port: number;
  download_port: number;
  object_storage_port: number;
  state: string;
  last_keep_alive_at: string | null;
  seed_peer_cluster_id: number;
  created_at: string;
  updated_at: string;
}

export interface ApplicationsTable {
  id: Generated<number>;
  name: string;
  url: string;
  bio: string;
  priority: string; // JSON {value, urls[{regex, value}]}
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  task_id: string;
  bio: string;
  type: string;
  state: string;
  args: string; // JSON
  result: string; // JSON
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface JobSchedulerClustersTable {
  job_id: number;
  scheduler_cluster_id: number;
}

export interface ConfigsTable {
  id: Generated<number>;
  name: string;
  value: string;
  bio: string;
  user_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface Tables {
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  personal_access_tokens: PersonalAccessTokensTable;
  revoked_sessions: RevokedSessionsTable;
  scheduler_clusters: SchedulerClustersTable;
  seed_peer_clusters: SeedPeerClustersTable;
  seed_peer_cluster_scheduler_clusters: SeedPeerClusterSchedulerClustersTable;
  schedulers: SchedulersTable;
  seed_peers: SeedPeersTable;
  applications: ApplicationsTable;
  jobs: JobsTable;
  job_scheduler_clusters: JobSchedulerClustersTable;
  configs: ConfigsTable;
}
