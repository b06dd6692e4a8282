import { describe, expect, it } from 'vitest';
import { formatPlatform, parsePlatform, platformMatches } from './platform.js';

describe('platform', () => {
  it.each([
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['Linux/ARM64/v8', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
  ])('parses %s', (text, want) => {
    expect(parsePlatform(text)).toEqual(want);
    expect(formatPlatform(want)).toBe(text.toLowerCase());
  });

  it.each(['linux', 'linux/', '/amd64', 'a/b/c/d', 'linux/amd 64', ''])('refuses %j', (text) => {
    expect(parsePlatform(text)).toBeUndefined();
  });

  it('matches index entries on os and architecture, and on the variant when one is wanted', () => {
    const amd64 = { os: 'linux', architecture: 'amd64' };
    expect(platformMatches(amd64, { os: 'linux', architecture: 'amd64' })).toBe(true);
    expect(platformMatches(amd64, { os: 'linux', architecture: 'arm64' })).toBe(false);
    expect(platformMatches(amd64, { os: 'windows', architecture: 'amd64' })).toBe(false);
    expect(platformMatches(amd64, null)).toBe(false);
    const v7 = { os: 'linux', architecture: 'arm', variant: 'v7' };
    expect(platformMatches(v7, { os: 'linux', architecture: 'arm', variant: 'v7' })).toBe(true);
    expect(platformMatches(v7, { os: 'linux', architecture: 'arm', variant: 'v6' })).toBe(false);
    expect(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'arm64' })).toBe(true);
  });
});
