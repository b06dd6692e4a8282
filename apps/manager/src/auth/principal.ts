import type { User } from '../users/user-repository.js';

export type PatScope = 'job' | 'cluster';
export const PAT_SCOPES: readonly PatScope[] = ['job', 'cluster'];

/** Who is calling, after authentication. */
export type Principal =
  | { via: 'jwt'; user: User; sessionId: string; origIat: number }
  | { via: 'pat'; user: User; tokenId: number; scopes: PatScope[] };

export const isRoot = (p: Principal): boolean => p.user.roles.includes('root');
