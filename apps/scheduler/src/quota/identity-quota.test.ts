import { describe, expect, it } from 'vitest';
import { isSchedulerError } from '../errors.js';
import { IdentityQuota } from './identity-quota.js';

describe('IdentityQuota', () => {
  it('refuses the identity over its limit while others are unaffected, and frees on release', () => {
    const quota = new IdentityQuota({ limits: { hostsPerIdentity: 2, peersPerIdentity: 3 } });
    quota.reserveHost('a');
    quota.reserveHost('a');
    const err = (() => {
      try {
        quota.reserveHost('a');
      } catch (e) {
        return e;
      }
    })();
    expect(isSchedulerError(err, 'DF_ERR_SCHEDULER_QUOTA_EXCEEDED')).toBe(true);
    expect((err as Error).message).toMatch(/identity a already has 2 hosts announced \(limit 2\)/);
    quota.reserveHost('b');
    for (let i = 0; i < 3; i++) quota.reservePeer('a');
    expect(() => quota.reservePeer('a')).toThrow(/limit 3/);
    quota.releasePeer('a');
    quota.reservePeer('a');
    expect(quota.usageOf('a')).toEqual({ hosts: 2, peers: 3 });
    quota.releaseHost('b');
    expect(quota.usageOf('b')).toEqual({ hosts: 0, peers: 0 });
  });
});
