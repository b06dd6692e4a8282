import { describe, expect, it } from 'vitest';
import type { PreheatFormValues } from './preheat-args.js';
import { preheatRequest, redactArgs } from './preheat-args.js';

const base: PreheatFormValues = {
  type: 'image',
  urls: 'https://registry.local:5000/v2/library/alpine/manifests/3.20',
  scope: 'single_seed_peer',
  tag: '',
  application: '',
  platform: 'linux/amd64',
  filteredQueryParams: '',
  headers: '',
  username: '',
  password: '',
  ips: '',
  count: '',
  percentage: '',
  pieceLength: '',
  concurrentTaskCount: '',
  concurrentPeerCount: '',
  timeoutMinutes: '',
  schedulerClusterIds: [1],
  bio: ' nightly ',
};

describe('preheatRequest', () => {
  it('builds an image preheat with only the fields given', () => {
    expect(preheatRequest(base)).toEqual({
      type: 'preheat',
      bio: 'nightly',
      args: { type: 'image', scope: 'single_seed_peer', url: 'https://registry.local:5000/v2/library/alpine/manifests/3.20', platform: 'linux/amd64' },
      scheduler_cluster_ids: [1],
    });
  });

  it('builds a file preheat of several URLs to all peers with options', () => {
    const r = preheatRequest({
      ...base,
      type: 'file',
      urls: 'https://a.example/x.bin\n\nhttps://a.example/y.bin?sig=1',
      scope: 'all_peers',
      platform: 'linux/amd64',
      filteredQueryParams: 'sig&expires',
      headers: 'X-Token: abc',
      ips: '10.0.0.1\n10.0.0.2',
      concurrentPeerCount: '50',
      timeoutMinutes: '30',
      tag: 'v1',
    });
    expect(r.args).toEqual({
      type: 'file',
      scope: 'all_peers',
      url: 'https://a.example/x.bin',
      urls: ['https://a.example/y.bin?sig=1'],
      tag: 'v1',
      filtered_query_params: 'sig&expires',
      headers: { 'X-Token': 'abc' },
      ips: ['10.0.0.1', '10.0.0.2'],
      concurrent_peer_count: 50,
      timeout: 1800,
    });
  });

  it.each([
    [{ urls: '' }, 'Enter the URL to preheat.'],
    [{ urls: 'not a url' }, '"not a url" is not a URL.'],
    [{ urls: 'ftp://x/v2/a/manifests/1' }, 'only http and https'],
    [{ urls: 'https://r/v2/a/blobs/sha256:x' }, 'must be a manifest URL'],
    [{ urls: 'https://r/v2/a/manifests/1\nhttps://r/v2/b/manifests/1' }, 'one manifest URL'],
    [{ platform: 'Linux AMD64' }, 'linux/amd64'],
    [{ username: 'u' }, 'both the registry user name and password'],
    [{ count: '3' }, 'for the “all seed peers” and “all peers” scopes only'],
    [{ scope: 'all_peers', percentage: '101' } as const, 'Percentage must be a whole number from 1 to 100.'],
    [{ timeoutMinutes: '0' }, 'Timeout must be'],
    [{ headers: 'bad' }, 'header line 1'],
  ] as [Partial<PreheatFormValues>, string][])('refuses %j', (patch, message) => {
    expect(() => preheatRequest({ ...base, ...patch })).toThrow(message);
  });

  it('redacts secrets for display', () => {
    expect(redactArgs({ url: 'u', password: 'p', headers: { a: 'b' }, username: 'n' })).toEqual({ url: 'u', password: '••••••', headers: '••••••', username: 'n' });
  });
});
