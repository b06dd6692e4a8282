import { randomUUID } from 'node:crypto';
import { unauthorized } from '../errors.js';
import type { UserRepository } from '../users/user-repository.js';
import type { Principal } from './principal.js';
import type { RevokedSessionRepository } from './revoked-session-repository.js';

/** The JWT primitives (from @fastify/jwt, pinned to one algorithm where it is registered). */
export interface JwtCodec {
  sign(payload: Record<string, unknown>, options?: { expiresIn?: number; clockTimestamp?: number }): string;
  verify<T>(token: string, options?: { ignoreExpiration?: boolean; clockTimestamp?: number }): T;
}

/** Claims we put in every token: user id, session id, the user's token version, first sign-in (seconds). */
interface Claims {
  sub: string;
  sid: string;
  ver: number;
  orig_iat: number;
  exp: number;
}

export interface IssuedToken {
  token: string;
  /** Expiry instant, ISO-8601. */
  expire: string;
}

export class TokenService {
  private readonly jwt: JwtCodec;
  private readonly users: UserRepository;
  private readonly revokedSessions: RevokedSessionRepository;
  private readonly timeoutMs: number;
  private readonly maxRefreshMs: number;
  private readonly now: () => number;

  constructor(deps: {
    jwt: JwtCodec;
    users: UserRepository;
    revokedSessions: RevokedSessionRepository;
    timeoutMs: number;
    maxRefreshMs: number;
    now?: () => number;
  }) {
    this.jwt = deps.jwt;
    this.users = deps.users;
    this.revokedSessions = deps.revokedSessions;
    this.timeoutMs = deps.timeoutMs;
    this.maxRefreshMs = deps.maxRefreshMs;
    this.now = deps.now ?? Date.now;
  }

  /** A token for a fresh session, or the next token of an existing session (refresh). */
  issue(userId: number, tokenVersion: number, session?: { sessionId: string; origIat: number }): IssuedToken {
    const now = this.now();
    const token = this.jwt.sign(
      {
        sub: String(userId),
        sid: session?.sessionId ?? randomUUID(),
        ver: tokenVersion,
        orig_iat: session?.origIat ?? Math.floor(now / 1000),
      },
      // @fastify/jwt reads a numeric expiresIn as SECONDS (clockTimestamp is milliseconds).
      { expiresIn: Math.max(1, Math.floor(this.timeoutMs / 1000)), clockTimestamp: now },
    );
    return { token, expire: new Date(now + this.timeoutMs).toISOString() };
  }

  /** Checks signature, algorithm, expiry and revocation; answers who the caller is. */
  async authenticate(token: string): Promise<Principal> {
    return this.principalFor(this.verify(token, false));
  }

  /** A new token for the same session while orig_iat + maxRefresh is ahead (an expired token may refresh, as upstream). */
  async refresh(token: string): Promise<IssuedToken> {
    const claims = this.verify(token, true);
    if (claims.orig_iat * 1000 + this.maxRefreshMs <= this.now()) throw unauthorized('token is beyond its maximum refresh time, sign in again');
    const principal = await this.principalFor(claims);
    return this.issue(principal.user.id, claims.ver, { sessionId: claims.sid, origIat: claims.orig_iat });
  }

  /** Ends the session of this token: neither it nor any token refreshed from it is accepted again. */
  async revoke(principal: Principal): Promise<void> {
    if (principal.via !== 'jwt') return;
    // Past this instant no token of the session can be refreshed nor be unexpired.
    const deadline = principal.origIat * 1000 + this.maxRefreshMs + this.timeoutMs;
    await this.revokedSessions.revoke(principal.sessionId, deadline);
  }

  private verify(token: string, ignoreExpiration: boolean): Claims {
    let payload: unknown;
    try {
      payload = this.jwt.verify<unknown>(token, { ignoreExpiration, clockTimestamp: this.now() });
    } catch {
      throw unauthorized('invalid or expired token');
    }
    const c = payload as Partial<Record<keyof Claims, unknown>>;
    if (
      typeof c.sub !== 'string' ||
      !/^[1-9][0-9]{0,9}$/.test(c.sub) ||
      typeof c.sid !== 'string' ||
      c.sid.length === 0 ||
      c.sid.length > 64 ||
      !Number.isSafeInteger(c.ver) ||
      !Number.isSafeInteger(c.orig_iat) ||
      !Number.isSafeInteger(c.exp)
    ) {
      throw unauthorized('invalid token claims');
    }
    return c as Claims;
  }

  private async principalFor(claims: Claims): Promise<Principal> {
    const creds = await this.users.credentialsById(Number(claims.sub));
    if (creds === undefined || creds.user.state !== 'enable') throw unauthorized('invalid token');
    if (creds.tokenVersion !== claims.ver) throw unauthorized('token revoked');
    if (await this.revokedSessions.isRevoked(claims.sid)) throw unauthorized('token revoked');
    return { via: 'jwt', user: creds.user, sessionId: claims.sid, origIat: claims.orig_iat };
  }
}
