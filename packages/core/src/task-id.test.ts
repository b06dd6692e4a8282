import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidIdError } from './invalid-id-error.js';
import { DEFAULT_FILTERED_QUERY_PARAMS, assertTaskId, blobDigestTaskId, canonicalTaskUrl, isTaskId, taskId } from './task-id.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('taskId', () => {
  // The four vectors of the internals document (from upstream's Rust test suite).
  it.each([
    ['url + tag + application', { url: 'https://example.com', tag: 'foo', application: 'bar', filteredQueryParams: [] },
      '06408fbf247ddaca478f8cb9565fe5591c28efd0994b8fea80a6a87d3203c5ca'],
    ['url + piece length', { url: 'https://example.com', pieceLength: 1024, filteredQueryParams: [] },
      '9f7c9aafbc6f30f8f41a96ca77eeae80c5b60964b3034b0ee43ccf7b2f9e52b8'],
    ['url + tag + application + revision + piece length',
      { url: 'https://example.com', tag: 'foo', application: 'bar', revision: 'v1.0', pieceLength: 1024, filteredQueryParams: [] },
      '5844f27a257287e9b734256bb25603d8005422ced8c0377f15063ec11963b25f'],
    ['content rule wins over the url', { url: 'https://example.com/ignored', tag: 'x', contentForCalculatingTaskId: 'This is a test file' },
      'e2d0fe1585a63ec6009c8016ff8dda8b17719a637405a4e23c0ff81339148249'],
  ])('internals §1.6 vector: %s', (_name, opts, expected) => {
    expect(taskId(opts)).toBe(expected);
  });

  // More vectors from upstream's current Rust suite (query filtering, sorting, escaping).
  it.each([
    [{ url: 'https://example.com', tag: 'foo', filteredQueryParams: [] }, '3c3f230ef9f191dd2821510346a7bc138e4894bee9aee184ba250a3040701d2a'],
    [{ url: 'https://example.com', application: 'bar', filteredQueryParams: [] }, 'c9f9261b7305c24371244f9f149f5d4589ed601348fdf22d7f6f4b10658fdba2'],
    [{ url: 'https://example.com?foo=foo&bar=bar', filteredQueryParams: ['foo', 'bar'] }, '457b4328cde278e422c9e243f7bfd1e97f511fec43a80f535cf6b0ef6b086776'],
    [{ url: 'https://example.com/file.txt?z=9&b=2&a=1', tag: 'foo', application: 'bar', filteredQueryParams: ['z'] },
      '8b3f6e9b9b8fe20903bced565cfd1d0aaef354a4c17573f0c2c1979210443f9d'],
    [{ url: 'https://example.com/file.txt?b=2&a=1&b=1', filteredQueryParams: ['c'] }, '7c8801d0596be5e8f9449d5c4af23866c72fe5205119c0e5912981f3b16a37aa'],
    [{ url: 'https://example.com/file.txt?k=a b&m=x*y&n=c~d', pieceLength: 1024, filteredQueryParams: ['none'] },
      '6196a6846023f6d3c1e4d30f6c86f3d4186e4c664a33e5692b0e04e49b26a9af'],
    [{ url: 'https://example.com/file.txt?a=1&b=2', tag: 'foo', filteredQueryParams: ['a', 'b'] }, 'c8f4b41117329d54af920010394f6f607bac707e933ab2f18d372e3dd4c7fcb3'],
    [{ url: 'https://example.com/file.txt?b=2&a=1', filteredQueryParams: [] }, '980ee327518ccc5a7c30703e1a2232e8ba9047b39431f940636c85b6146f8b9a'],
    [{ url: 'https://example.com', revision: 'v1.0', filteredQueryParams: [] }, 'b171331534b80e0bf91da38ebbfcdbf4d177898f4b9beac44f14733e3f004d4e'],
  ])('upstream vector %#', (opts, expected) => {
    expect(taskId(opts)).toBe(expected);
  });

  it('is sha256 of canonical url ‖ tag ‖ application ‖ revision ‖ piece length ‖ STANDARD', () => {
    expect(taskId({ url: 'https://a.example/x?b=1&X-Amz-Signature=s', tag: 't', application: 'app', revision: 'r', pieceLength: 4194304 }))
      .toBe(sha256('https://a.example/x?b=1tappr4194304STANDARD'));
  });

  it('uses DEFAULT_FILTERED_QUERY_PARAMS when none are given, and none when [] is given', () => {
    const signed = 'https://bucket.s3.example.com/blob?X-Amz-Date=20260101&X-Amz-Signature=abc&versionId=3';
    expect(taskId({ url: signed })).toBe(sha256('https://bucket.s3.example.com/blob?versionId=3STANDARD'));
    expect(taskId({ url: signed, filteredQueryParams: [] })).toBe(sha256(`${signed}STANDARD`));
  });

  it('does not depend on the signature of a pre-signed URL', () => {
    const a = taskId({ url: 'https://o.example/k?OSSAccessKeyId=A&Expires=1&Signature=x' });
    const b = taskId({ url: 'https://o.example/k?OSSAccessKeyId=B&Expires=2&Signature=y' });
    expect(a).toBe(b);
    expect(a).toBe(sha256('https://o.example/kSTANDARD'));
  });

  it('distinguishes piece lengths, tags and applications', () => {
    const base = { url: 'https://example.com/f' };
    const ids = new Set([
      taskId(base), taskId({ ...base, pieceLength: 4194304 }), taskId({ ...base, pieceLength: 8388608 }),
      taskId({ ...base, tag: 'a' }), taskId({ ...base, application: 'b' }),
    ]);
    expect(ids.size).toBe(5);
  });

  it('concatenates parts without separators, as upstream does (tag "a" ≡ application "a")', () => {
    expect(taskId({ url: 'https://example.com/f', tag: 'a' })).toBe(taskId({ url: 'https://example.com/f', application: 'a' }));
  });

  it.each([
    [{ url: 'not a url' }, /invalid url/],
    [{ url: '' }, /non-empty/],
    [{ url: 'https://example.com', pieceLength: 0 }, /pieceLength/],
    [{ url: 'https://example.com', pieceLength: 1.5 }, /pieceLength/],
    [{ url: 'https://example.com', pieceLength: -4 }, /pieceLength/],
  ])('rejects %j', (opts, message) => {
    expect(() => taskId(opts)).toThrow(message);
  });
});

describe('blobDigestTaskId', () => {
  const hex = 'b2c366cce7e68013d5441c6326d5a3e1b12aeb5ed58564d0fd3fa089bc29cb6e';
  it.each([
    [`http://registry.example.com/v2/library/ubuntu/blobs/sha256:${hex}`, hex],
    [`http://localhost:5000/v2/myrepo/blobs/sha256:${hex}?ns=docker.io`, hex],
    [`https://registry.io/v2/org/team/project/blobs/sha256:${hex}`, hex],
    // Upstream takes sha512 verbatim; we keep task IDs at 64 hex and fall back to the URL rule.
    [`https://r.example/v2/a/blobs/sha512:${'a'.repeat(128)}`, undefined],
    ['http://registry.example.com/v2/repo/manifests/sha256:abc', undefined],
    ['http://registry.example.com/blobs/sha256:abc', undefined],
    ['http://registry.example.com/v2/repo/blobs/invalid-digest', undefined],
    [`http://registry.example.com/v2/repo/blobs/sha256:${hex.toUpperCase()}`, undefined],
    ['https://example.com/file.txt', undefined],
  ])('%s → %s', (url, expected) => {
    expect(blobDigestTaskId(url)).toBe(expected);
  });

  it('is used by taskId only when asked, after the content rule', () => {
    const url = `https://r.example/v2/lib/a/blobs/sha256:${hex}`;
    expect(taskId({ url, blobDigestBased: true })).toBe(hex);
    expect(taskId({ url })).toBe(sha256(`${url}STANDARD`));
    expect(taskId({ url, blobDigestBased: true, contentForCalculatingTaskId: 'c' })).toBe(sha256('c'));
    expect(taskId({ url: 'https://example.com', blobDigestBased: true, filteredQueryParams: [] })).toBe(sha256('https://example.comSTANDARD'));
  });
});

describe('canonicalTaskUrl', () => {
  it.each([
    // Upstream's own filter_query_params cases.
    ['https://example.com/file.txt?z=9&b=2&a=1', ['z'], 'https://example.com/file.txt?a=1&b=2'],
    ['https://example.com/file.txt?b=2&a=1&b=1', ['c'], 'https://example.com/file.txt?a=1&b=2&b=1'],
    ['https://example.com?foo=foo', ['foo'], 'https://example.com'],
    ['https://example.com/file.txt?k=a b&m=x*y&n=c~d', ['none'], 'https://example.com/file.txt?k=a+b&m=x%2Ay&n=c~d'],
    ['http://www.xx.yy/path?u=f&x=y&m=z&x=s#size', ['x', 'm'], 'http://www.xx.yy/path?u=f#size'],
    ['http://www.xx.yy/path?u=f&x=y&m=z&x=s#size', [], 'http://www.xx.yy/path?u=f&x=y&m=z&x=s#size'],
    ['https://example.com/file.txt?a=1;x&b=2', ['none'], 'https://example.com/file.txt?b=2'],
    // Edge cases: root path, ports, case, encodings, empty and valueless pairs.
    ['https://example.com/', ['x'], 'https://example.com'],
    ['https://example.com/', [], 'https://example.com/'],
    ['https://example.com/?', ['x'], 'https://example.com'],
    ['https://example.com/?x=1', ['x'], 'https://example.com'],
    ['https://example.com/dir/', ['x'], 'https://example.com/dir/'],
    ['https://Example.COM:443/a?x=1', ['x'], 'https://example.com/a'],
    ['http://example.com:8080/?b=1', ['x'], 'http://example.com:8080/?b=1'],
    ['http://example.com:8080/', ['x'], 'http://example.com:8080'],
    ['https://example.com/a%20b?q=%41%2f', ['x'], 'https://example.com/a%20b?q=A%2F'],
    ['https://example.com/a?q=1+1&r=%2B', ['x'], 'https://example.com/a?q=1+1&r=%2B'],
    ['https://example.com/a?a&&b=', ['x'], 'https://example.com/a?a=&b='],
    ['https://example.com/a?%E4%B8%AD=1&b=2', ['x'], 'https://example.com/a?b=2&%E4%B8%AD=1'],
    ['https://example.com/a?ns=docker.io&X-Amz-Date=1', DEFAULT_FILTERED_QUERY_PARAMS, 'https://example.com/a'],
    ['https://example.com/a?NS=docker.io', DEFAULT_FILTERED_QUERY_PARAMS, 'https://example.com/a?NS=docker.io'],
  ])('%s filtered by %j → %s', (url, filtered, expected) => {
    expect(canonicalTaskUrl(url, filtered)).toBe(expected);
  });
});

describe('task ID validators', () => {
  const good = 'e2d0fe1585a63ec6009c8016ff8dda8b17719a637405a4e23c0ff81339148249';
  it('accepts 64 lower-case hex characters', () => {
    expect(isTaskId(good)).toBe(true);
    expect(() => assertTaskId(good)).not.toThrow();
    expect(isTaskId(taskId({ url: 'https://example.com' }))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['short', good.slice(0, 63)],
    ['65 characters', `${good}0`],
    ['upper case', good.toUpperCase()],
    ['one upper-case letter', `E${good.slice(1)}`],
    ['path traversal', `../${good.slice(3)}`],
    ['NUL', `${good.slice(0, 63)}\0`],
    ['whitespace', ` ${good.slice(1)}`],
    ['trailing newline', `${good.slice(0, 63)}\n`],
    ['non-hex letter', `g${good.slice(1)}`],
    ['not a string', 42],
    ['undefined', undefined],
  ])('rejects %s', (_name, value) => {
    expect(isTaskId(value)).toBe(false);
    expect(() => assertTaskId(value)).toThrow(InvalidIdError);
  });

  it('says what is wrong without echoing unbounded input', () => {
    const err = (() => { try { assertTaskId('x'.repeat(10_000)); } catch (e) { return e as InvalidIdError; } return undefined; })();
    expect(err?.message).toMatch(/^invalid task id "x{80}…": expected 64 lower-case hex characters, got 10000 characters$/);
    expect(err?.kind).toBe('task');
  });
});
