import type { CreateTableBuilder, Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { DatabaseType } from '../database-type.js';

// Version 1 of the schema. Never edit a released migration: add 0002-… instead.
// Column types are the intersection the three engines share: varchar(n) for indexed text, text
// for documents, integer for numbers and 0/1 flags, varchar(32) for ISO-8601 timestamps.

type Builder = CreateTableBuilder<string, never>;

function withId(type: DatabaseType, table: Builder): Builder {
  return type === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

function withTimestamps(table: Builder): Builder {
  return table.addColumn('created_at', 'varchar(32)', (c) => c.notNull()).addColumn('updated_at', 'varchar(32)', (c) => c.notNull());
}

export function initialSchema(type: DatabaseType): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const s = db.schema;
      const create = (name: string): Builder => withId(type, s.createTable(name) as Builder);

      await withTimestamps(
        create('users')
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('email', 'varchar(255)', (c) => c.notNull())
          .addColumn('encrypted_password', 'varchar(255)', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('avatar', 'varchar(1024)', (c) => c.notNull())
          .addColumn('phone', 'varchar(64)', (c) => c.notNull())
          .addColumn('location', 'varchar(255)', (c) => c.notNull())
          .addColumn('token_version', 'integer', (c) => c.notNull())
          .addColumn('must_change_password', 'integer', (c) => c.notNull()),
      ).execute();

      await withTimestamps(
        create('roles')
          .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
          .addColumn('description', 'varchar(1024)', (c) => c.notNull()),
      ).execute();

      await s
        .createTable('user_roles')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
        .execute();

      await withTimestamps(
        create('personal_access_tokens')
          .addColumn('name', 'varchar(255)', (c) => c.notNull())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('expired_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('last_used_at', 'varchar(32)')
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade')),
      ).execute();

      await s
        .createTable('revoked_sessions')
        .addColumn('session_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .execute();

      await withTimestamps(
        create('scheduler_clusters')
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('client_config', 'text', (c) => c.notNull())
          .addColumn('seed_client_config', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('is_default', 'integer', (c) => c.notNull()),
      ).execute();

      await withTimestamps(
        create('seed_peer_clusters')
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull()),
      ).execute();

      await s
        .createTable('seed_peer_cluster_scheduler_clusters')
        .addColumn('seed_peer_cluster_id', 'integer', (c) => c.notNull().references('seed_peer_clusters.id').onDelete('cascade'))
        .addColumn('scheduler_cluster_id', 'integer', (c) => c.notNull().references('scheduler_clusters.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('spc_sc_pk', ['seed_peer_cluster_id', 'scheduler_cluster_id'])
        .execute();

      await withTimestamps(
        create('schedulers')
          .addColumn('host_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('ip', 'varchar(64)', (c) => c.notNull())
          .addColumn('idc', 'varchar(1024)', (c) => c.notNull())
          .addColumn('location', 'varchar(1024)', (c) => c.notNull())
          .addColumn('port', 'integer', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('features', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull())
          .addColumn('last_keep_alive_at', 'varchar(32)')
          .addColumn('scheduler_cluster_id', 'integer', (c) => c.notNull().references('scheduler_clusters.id'))
          .addUniqueConstraint('schedulers_host_ip_cluster_uq', ['host_name', 'ip', 'scheduler_cluster_id']),
      ).execute();

      await withTimestamps(
        create('seed_peers')
          .addColumn('host_name', 'varchar(255)', (c) => c.notNull())
          .addColumn('type', 'varchar(16)', (c) => c.notNull())
          .addColumn('idc', 'varchar(1024)', (c) => c.notNull())
          .addColumn('location', 'varchar(1024)', (c) => c.notNull())
          .addColumn('ip', 'varchar(64)', (c) => c.notNull())
          .addColumn('port', 'integer', (c) => c.notNull())
          .addColumn('download_port', 'integer', (c) => c.notNull())
          .addColumn('object_storage_port', 'integer', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('last_keep_alive_at', 'varchar(32)')
          .addColumn('seed_peer_cluster_id', 'integer', (c) => c.notNull().references('seed_peer_clusters.id'))
          .addUniqueConstraint('seed_peers_host_ip_cluster_uq', ['host_name', 'ip', 'seed_peer_cluster_id']),
      ).execute();

      await withTimestamps(
        create('applications')
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('url', 'varchar(1024)', (c) => c.notNull())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('priority', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null')),
      ).execute();

      await withTimestamps(
        create('jobs')
          .addColumn('task_id', 'varchar(255)', (c) => c.notNull())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('type', 'varchar(64)', (c) => c.notNull())
          .addColumn('state', 'varchar(16)', (c) => c.notNull())
          .addColumn('args', 'text', (c) => c.notNull())
          .addColumn('result', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null')),
      ).execute();
      await s.createIndex('jobs_state_idx').on('jobs').column('state').execute();

      await s
        .createTable('job_scheduler_clusters')
        .addColumn('job_id', 'integer', (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('scheduler_cluster_id', 'integer', (c) => c.notNull().references('scheduler_clusters.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('job_sc_pk', ['job_id', 'scheduler_cluster_id'])
        .execute();

      await withTimestamps(
        create('configs')
          .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('bio', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null')),
      ).execute();
    },
  };
}
