import { describe, expect, it } from 'vitest';
import { parseManifestUrl } from './image-manifest-resolver.js';

describe('parseManifestUrl', () => {
  it.each([
    ['https://registry.example/v2/library/nginx/manifests/1.27', { origin: 'https://registry.example', repository: 'library/nginx', reference: '1.27' }],
    ['http://127.0.0.1:5000/v2/a/b/c/manifests/latest', { origin: 'http://127.0.0.1:5000', repository: 'a/b/c', reference: 'latest' }],
    [`https://r.example/v2/app/manifests/sha256:${'a'.repeat(64)}`, { origin: 'https://r.example', repository: 'app', reference: `sha256:${'a'.repeat(64)}` }],
  ])('%s', (url, want) => {
    expect(parseManifestUrl(url)).toEqual(want);
  });

  it.each([
    ['not a URL', 'nope', /not a URL/],
    ['another scheme', 'ftp://r.example/v2/a/manifests/v1', /http or https/],
    ['credentials', 'https://u:p@r.example/v2/a/manifests/v1', /credentials/],
    ['a blob URL', 'https://r.example/v2/a/blobs/sha256:00', /manifests/],
    ['a query', 'https://r.example/v2/a/manifests/v1?x=1', /manifests/],
    ['upper-case repository', 'https://r.example/v2/Team/App/manifests/v1', /invalid repository/],
    ['path traversal', 'https://r.example/v2/../admin/manifests/v1', /invalid repository|manifests/],
    ['a bad tag', 'https://r.example/v2/a/manifests/-v1', /invalid tag/],
    ['a short digest', 'https://r.example/v2/a/manifests/sha256:abc', /invalid tag/],
  ])('refuses %s', (_name, url, message) => {
    expect(() => parseManifestUrl(url)).toThrow(message);
  });
});
