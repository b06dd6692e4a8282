import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../auth/password-hasher.js';
import { isoNow } from './page.js';
import type { ManagerDatabase } from './manager-database.js';

// First-start rows: the two roles, cluster-1 (scheduler + seed peer cluster, linked, upstream's
// defaults) and the root user. No well-known password: DRAGONFLY_INITIAL_ROOT_PASSWORD, or a random
// one printed once, which must be changed at first sign-in.

export const DEFAULT_SCHEDULER_CLUSTER_CONFIG = { candidate_parent_limit: 4, filter_parent_limit: 15, job_rate_limit: 10 } as const;
export const DEFAULT_SCHEDULER_CLUSTER_CLIENT_CONFIG = { load_limit: 200 } as const;
export const DEFAULT_SEED_PEER_CLUSTER_CONFIG = { load_limit: 2000 } as const;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export interface SeedDeps {
  database: ManagerDatabase;
  hasher: PasswordHasher;
  /** From DRAGONFLY_INITIAL_ROOT_PASSWORD; undefined → random. */
  initialRootPassword: string | undefined;
  /** Where the one-time random password goes (stdout in main.ts; never the logger). */
  print: (text: string) => void;
  now?: () => number;
}

export async function seedDatabase(deps: SeedDeps): Promise<{ rootCreated: boolean }> {
  const { database } = deps;
  const at = isoNow(deps.now ?? Date.now);
  const pw = deps.initialRootPassword;
  if (pw !== undefined && (pw.length < MIN_PASSWORD_LENGTH || pw.length > MAX_PASSWORD_LENGTH)) {
    throw new Error(`DRAGONFLY_INITIAL_ROOT_PASSWORD must be ${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters long`);
  }
  return database.transaction(async (trx) => {
    for (const [name, description] of [
      ['root', 'Administrator: reads and writes everything'],
      ['guest', 'Reads clusters, schedulers, seed peers and applications; writes nothing'],
    ] as const) {
      const found = await trx.selectFrom('roles').select('id').where('name', '=', name).executeTakeFirst();
      if (found === undefined) await trx.insertInto('roles').values({ name, description, created_at: at, updated_at: at }).execute();
    }

    const clusters = await trx.selectFrom('scheduler_clusters').select('id').limit(1).execute();
    if (clusters.length === 0) {
      const sc = trx.insertInto('scheduler_clusters').values({
        name: 'cluster-1',
        bio: 'default scheduler cluster',
        config: JSON.stringify(DEFAULT_SCHEDULER_CLUSTER_CONFIG),
        client_config: JSON.stringify(DEFAULT_SCHEDULER_CLUSTER_CLIENT_CONFIG),
        seed_client_config: JSON.stringify({}),
        scopes: JSON.stringify({}),
        is_default: 1,
        created_at: at,
        updated_at: at,
      });
      const scId =
        database.type === 'postgres' ? Number((await sc.returning('id').executeTakeFirstOrThrow()).id) : Number((await sc.executeTakeFirstOrThrow()).insertId);
      const spc = trx.insertInto('seed_peer_clusters').values({
        name: 'cluster-1',
        bio: 'default seed peer cluster',
        config: JSON.stringify(DEFAULT_SEED_PEER_CLUSTER_CONFIG),
        created_at: at,
        updated_at: at,
      });
      const spcId =
        database.type === 'postgres' ? Number((await spc.returning('id').executeTakeFirstOrThrow()).id) : Number((await spc.executeTakeFirstOrThrow()).insertId);
      await trx.insertInto('seed_peer_cluster_scheduler_clusters').values({ seed_peer_cluster_id: spcId, scheduler_cluster_id: scId }).execute();
    }

    const users = await trx.selectFrom('users').select('id').limit(1).execute();
    if (users.length > 0) return { rootCreated: false };
    const password = pw ?? randomBytes(18).toString('base64url');
    const u = trx.insertInto('users').values({
      name: 'root',
      email: '',
      encrypted_password: await deps.hasher.hash(password),
      state: 'enable',
      bio: '',
      avatar: '',
      phone: '',
      location: '',
      token_version: 0,
      must_change_password: pw === undefined ? 1 : 0,
      created_at: at,
      updated_at: at,
    });
    const userId =
      database.type === 'postgres' ? Number((await u.returning('id').executeTakeFirstOrThrow()).id) : Number((await u.executeTakeFirstOrThrow()).insertId);
    const root = await trx.selectFrom('roles').select('id').where('name', '=', 'root').executeTakeFirstOrThrow();
    await trx.insertInto('user_roles').values({ user_id: userId, role_id: root.id }).execute();
    if (pw === undefined) {
      deps.print(
        `\nInitial root password (shown once; you must change it at first sign-in):\n\n    ${password}\n\n` +
          'Set DRAGONFLY_INITIAL_ROOT_PASSWORD before the first start to choose it instead.\n\n',
      );
    }
    return { rootCreated: true };
  });
}
