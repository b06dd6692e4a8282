import { describe, expect, it } from 'vitest';
import { isDfdaemonError } from '../errors.js';
import { DEFAULT_SOCKET, parseDfgetArgs } from './dfget-args.js';

describe('dfget arguments', () => {
  it('parses upstream flags', async () => {
    const a = await parseDfgetArgs([
      'https://example.com/a?x=1',
      '-O',
      '/tmp/a',
      '--digest',
      `SHA256:${'A'.repeat(64)}`,
      '--tag',
      't',
      '--application',
      'app',
      '-p',
      '3',
      '-H',
      'Authorization: Bearer x',
      '-H',
      'X-A:  b ',
      '--filtered-query-param',
      'x',
      '--piece-length',
      '8mib',
      '--disable-back-to-source',
      '--overwrite',
      '--timeout',
      '30m',
      '--no-progress',
    ]);
    expect(a).toMatchObject({
      url: 'https://example.com/a?x=1',
      output: '/tmp/a',
      digest: `sha256:${'a'.repeat(64)}`,
      tag: 't',
      application: 'app',
      priority: 3,
      header: { authorization: 'Bearer x', 'x-a': 'b' },
      filteredQueryParams: ['x'],
      pieceLength: 8 * 1024 * 1024,
      disableBackToSource: true,
      overwrite: true,
      timeoutMs: 30 * 60_000,
      progress: false,
      endpoint: DEFAULT_SOCKET,
    });
  });

  it.each([
    [['https://e/x'], /-O/],
    [['https://e/x', '-O', 'rel/x'], /absolute/],
    [['ftp://e/x', '-O', '/x'], /scheme/],
    [['not a url', '-O', '/x'], /invalid URL/],
    [['https://e/x', '-O', '/x', '-p', '9'], /priority/],
    [['https://e/x', '-O', '/x', '-H', 'novalue'], /Name: value/],
    [['https://e/x', '-O', '/x', '--piece-length', '1mib'], /4mib and 64mib/],
    [['https://e/x', '-O', '/x', '--timeout', 'soon'], /--timeout/],
    [['https://e/x', '-O', '/x', '--digest', 'md5:abc'], /--digest/],
    [['https://e/x', '-O', '/x', '--bogus'], /bogus/],
    [['https://e/x', 'https://e/y', '-O', '/x'], /exactly one URL/],
  ])('refuses %j', async (argv, msg) => {
    let err: unknown;
    try {
      await parseDfgetArgs(argv);
    } catch (e) {
      err = e;
    }
    expect(isDfdaemonError(err, 'DF_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(msg);
  });

  it('answers --help and --version', async () => {
    expect(await parseDfgetArgs(['--help'])).toBe('help');
    expect(await parseDfgetArgs(['-V'])).toBe('version');
  });

  it('defaults --timeout to 2h', async () => {
    const a = await parseDfgetArgs(['https://e/x', '-O', '/x']);
    expect(a).toMatchObject({ timeoutMs: 2 * 60 * 60 * 1000 });
  });
});
