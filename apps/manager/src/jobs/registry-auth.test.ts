import { describe, expect, it } from 'vitest';
import { parseChallenge } from './registry-auth.js';

describe('parseChallenge', () => {
  it('reads a Docker token challenge', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:team/app:pull' },
    });
  });

  it('reads Basic, unquoted values and escapes', () => {
    expect(parseChallenge('Basic realm="Registry \\"x\\""')).toEqual({ scheme: 'basic', params: { realm: 'Registry "x"' } });
    expect(parseChallenge('Bearer realm=https://a/t, service=s')).toEqual({ scheme: 'bearer', params: { realm: 'https://a/t', service: 's' } });
  });

  it('answers undefined without a header', () => {
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge('')).toBeUndefined();
  });
});
