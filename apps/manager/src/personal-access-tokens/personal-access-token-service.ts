import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isRoot } from '../auth/principal.js';
import type { PatScope, Principal } from '../auth/principal.js';
import type { PageRequest, PageResult } from '../db/page.js';
import { forbidden, notFound, unauthorized, validationError } from '../errors.js';
import type { UserRepository } from '../users/user-repository.js';
import type { PersonalAccessToken, PersonalAccessTokenRepository } from './personal-access-token-repository.js';

// Token format `dfp_<id>_<secret>`: the id finds the row, the secret (32 random bytes, base64url)
// is compared in constant time against its stored sha256. The token is shown once, at creation.

const TOKEN_PATTERN = /^dfp_([1-9][0-9]{0,9})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class PersonalAccessTokenService {
  private readonly tokens: PersonalAccessTokenRepository;
  private readonly users: UserRepository;
  private readonly now: () => number;

  constructor(deps: { tokens: PersonalAccessTokenRepository; users: UserRepository; now?: () => number }) {
    this.tokens = deps.tokens;
    this.users = deps.users;
    this.now = deps.now ?? Date.now;
  }

  /** Root lists every token, others their own. */
  list(caller: Principal, page: PageRequest, filter: { userId?: number }): Promise<PageResult<PersonalAccessToken>> {
    if (!isRoot(caller)) return this.tokens.list(page, { userId: caller.user.id });
    return this.tokens.list(page, filter);
  }

  async get(caller: Principal, id: number): Promise<PersonalAccessToken> {
    const token = await this.tokens.get(id);
    if (token === undefined || (!isRoot(caller) && token.user_id !== caller.user.id)) throw notFound('personal access token', id);
    return token;
  }

  async create(
    caller: Principal,
    input: { name: string; bio?: string; scopes: PatScope[]; expired_at: string },
  ): Promise<PersonalAccessToken & { token: string }> {
    const expiresAt = Date.parse(input.expired_at);
    if (Number.isNaN(expiresAt)) throw validationError('expired_at must be an ISO-8601 date-time');
    if (expiresAt <= this.now()) throw validationError('expired_at must be in the future');
    if (input.scopes.length === 0) throw validationError('scopes must name at least one scope');
    const secret = randomBytes(32).toString('base64url');
    const created = await this.tokens.create(
      { name: input.name, bio: input.bio ?? '', scopes: [...new Set(input.scopes)], expiredAt: new Date(expiresAt).toISOString(), userId: caller.user.id },
      () => hashSecret(secret),
    );
    return { ...created, token: `dfp_${created.id}_${secret}` };
  }

  async update(caller: Principal, id: number, patch: { name?: string; bio?: string; state?: 'active' | 'inactive' }): Promise<PersonalAccessToken> {
    await this.get(caller, id);
    await this.tokens.update(id, patch);
    return this.get(caller, id);
  }

  async delete(caller: Principal, id: number): Promise<void> {
    await this.get(caller, id);
    await this.tokens.delete(id);
  }

  /** Authenticates a bearer PAT for an /oapi/v1/<scope> route. */
  async authenticate(raw: string, scope: PatScope): Promise<Principal> {
    const m = TOKEN_PATTERN.exec(raw);
    if (m === null) throw unauthorized('invalid personal access token');
    const found = await this.tokens.getWithHash(Number(m[1]));
    const expected = Buffer.from(found?.hash ?? '0'.repeat(64), 'hex');
    const actual = Buffer.from(hashSecret(m[2] ?? ''), 'hex');
    const same = expected.length === actual.length && timingSafeEqual(expected, actual);
    if (found === undefined || !same) throw unauthorized('invalid personal access token');
    const { token } = found;
    if (token.state !== 'active') throw forbidden('personal access token is inactive');
    if (Date.parse(token.expired_at) <= this.now()) throw forbidden('personal access token has expired');
    if (!token.scopes.includes(scope)) throw forbidden(`personal access token lacks scope ${scope}`);
    const owner = await this.users.get(token.user_id);
    if (owner === undefined || owner.state !== 'enable') throw unauthorized('invalid personal access token');
    await this.tokens.touch(token.id);
    return { via: 'pat', user: owner, tokenId: token.id, scopes: token.scopes };
  }
}
