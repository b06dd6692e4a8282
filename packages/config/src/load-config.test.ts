import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byteSize } from './byte-size.js';
import { ConfigError } from './config-error.js';
import { duration } from './duration.js';
import { exitOnConfigError, loadConfigOrExit } from './exit-on-config-error.js';
import { formatPath, loadConfig, parseConfig } from './load-config.js';
import { z } from 'zod';

// A slice shaped like dfdaemon's: plain z.object (strips by default) and strict objects both refuse unknown keys.
const schema = z.object({
  download: z.strictObject({
    bandwidthLimit: byteSize().prefault('50GB'),
    pieceTimeout: duration().prefault('360s'),
    concurrentPieceCount: z.number().int().min(1).max(64).default(16),
  }).prefault({}),
  server: z.object({
    port: z.number().int().min(1).max(65_535).default(4000),
    host: z.string().default('0.0.0.0'),
    password: z.string().optional(),
  }).prefault({}),
  seedPeers: z.array(z.object({ ip: z.ipv4(), port: z.number().int() })).default([]),
  mode: z.enum(['normal', 'seed']).default('normal'),
  labels: z.record(z.string(), z.object({ value: z.string() })).default({}),
  extra: z.looseObject({ known: z.string().optional() }).optional(),
});

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const dir = mkdtempSync(join(tmpdir(), 'd7y-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseConfig', () => {
  it('fills defaults, converts units, deep-freezes', () => {
    const cfg = parseConfig('download:\n  bandwidthLimit: 10GiB\n  pieceTimeout: 1h30m\nseedPeers:\n  - { ip: 10.0.0.1, port: 4000 }\n', schema, 'dfdaemon.yaml');
    expect(cfg).toEqual({
      download: { bandwidthLimit: 10_737_418_240, pieceTimeout: 5_400_000, concurrentPieceCount: 16 },
      server: { port: 4000, host: '0.0.0.0' },
      seedPeers: [{ ip: '10.0.0.1', port: 4000 }],
      mode: 'normal',
      labels: {},
    });
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.download)).toBe(true);
    expect(Object.isFrozen(cfg.seedPeers)).toBe(true);
    expect(Object.isFrozen(cfg.seedPeers[0])).toBe(true);
    expect(() => { (cfg.download as { bandwidthLimit: number }).bandwidthLimit = 1; }).toThrow(TypeError);
  });

  it.each([[''], ['# only a comment\n'], ['---\n']])('an empty document %j means all defaults', (text) => {
    expect(parseConfig(text, schema).server.port).toBe(4000);
  });

  it.each([
    ['wrong unit', 'download:\n  bandwidthLimit: 10 parsecs\n', 'download.bandwidthLimit', /expected a byte size .*, found the string "10 parsecs"/],
    ['unknown duration unit', 'download:\n  pieceTimeout: 5x\n', 'download.pieceTimeout', /expected a duration .*, found the string "5x"/],
    ['negative size', 'download:\n  bandwidthLimit: -1GB\n', 'download.bandwidthLimit', /found the string "-1GB" \(a size cannot be negative\)/],
    ['negative number size', 'download:\n  bandwidthLimit: -5\n', 'download.bandwidthLimit', /found the number -5/],
    ['wrong type', 'server:\n  port: abc\n', 'server.port', /expected a number, found the string "abc"/],
    ['out of range', 'server:\n  port: 70000\n', 'server.port', /expected a number <= 65535, found the number 70000/],
    ['not an integer', 'download:\n  concurrentPieceCount: 1.5\n', 'download.concurrentPieceCount', /expected a int, found the number 1.5/],
    ['bad enum', 'mode: super\n', 'mode', /expected one of "normal", "seed", found the string "super"/],
    ['list expected', 'seedPeers: 10.0.0.1\n', 'seedPeers', /expected a list, found the string "10.0.0.1"/],
    ['mapping expected', 'server: 4000\n', 'server', /expected a mapping, found the number 4000/],
    ['bad item in a list', 'seedPeers:\n  - { ip: not-an-ip, port: 1 }\n', 'seedPeers[0].ip', /expected a valid ipv4, found the string "not-an-ip"/],
    ['missing required key', 'seedPeers:\n  - { ip: 10.0.0.1 }\n', 'seedPeers[0].port', /expected a number, found nothing \(the key is missing\)/],
    ['unknown key in a plain object', 'server:\n  prot: 4000\n', 'server.prot', /unknown key \(expected one of the known keys: port, host, password\)/],
    ['unknown key in a strict object', 'download:\n  bandwidth: 1GB\n', 'download.bandwidth', /unknown key .*bandwidthLimit, pieceTimeout, concurrentPieceCount/],
    ['unknown top-level key', 'donwload: {}\n', 'donwload', /unknown key/],
    ['unknown key inside a record value', 'labels:\n  a: { value: x, vlaue: y }\n', 'labels.a.vlaue', /unknown key/],
    ['secret not echoed', 'server:\n  password: 123456\n', 'server.password', /expected a string, found a number \(value hidden\)/],
  ])('%s', (_name, text, path, message) => {
    const err = errorOf(() => parseConfig(text, schema, '/etc/dragonfly/dfdaemon.yaml'));
    expect(err.file).toBe('/etc/dragonfly/dfdaemon.yaml');
    const issue = err.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(err.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(err.message).toContain('/etc/dragonfly/dfdaemon.yaml');
    expect(err.message).toContain(`${path}: `);
    expect(err.message).not.toContain('123456');
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('reports every problem at once, each unknown key once', () => {
    const err = errorOf(() => parseConfig('download:\n  bandwidthLimit: 5x\n  extra: 1\nserver:\n  port: abc\n', schema, 'a.yaml'));
    expect(err.issues.map((i) => i.path)).toEqual(['download.extra', 'download.bandwidthLimit', 'server.port']);
    expect(err.issues[1]).toMatchObject({ expected: expect.stringContaining('byte size'), received: 'the string "5x"' });
    expect(err.message.split('\n')[0]).toBe('invalid configuration file a.yaml (3 problems):');
  });

  it('lets loose objects keep extra keys', () => {
    expect(parseConfig('extra: { known: a, other: b }\n', schema).extra).toEqual({ known: 'a', other: 'b' });
  });

  it.each([
    ['unclosed flow sequence', 'download: [1\n', 2, 1],
    ['bad indentation', 'server:\n  port: 1\n host: x\n', 3, 1],
    ['duplicate key', 'mode: normal\nmode: seed\n', 2, 1],
    ['tab indentation', 'server:\n\tport: 1\n', 2, 1],
  ])('YAML syntax error (%s) names file, line and column', (_name, text, line, column) => {
    const err = errorOf(() => parseConfig(text, schema, 'bad.yaml'));
    expect(err.issues[0]).toMatchObject({ path: '', line, column });
    expect(err.message).toMatch(new RegExp(`bad\\.yaml:${line}:${column}: YAML syntax error: `));
  });

  it.each([['- a\n- b\n', /found a list of 2 items/], ['just text\n', /found the string "just text"/], ['42\n', /found the number 42/]])(
    'a top level that is not a mapping (%j)', (text, message) => {
      expect(errorOf(() => parseConfig(text, schema, 'x.yaml')).message).toMatch(message);
    });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    expect(errorOf(() => parseConfig(bomb, z.looseObject({}), 'bomb.yaml')).message).toMatch(/bomb\.yaml.*(alias|Excessive)/is);
  });
});

describe('loadConfig', () => {
  it('reads, validates and freezes a file', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'server:\n  port: 4001\n');
    const cfg = loadConfig(file, schema);
    expect(cfg.server.port).toBe(4001);
    expect(Object.isFrozen(cfg.server)).toBe(true);
  });

  it('a missing file is an error unless optional (then all defaults)', () => {
    const file = join(dir, 'missing.yaml');
    expect(errorOf(() => loadConfig(file, schema)).message).toContain(`${file} (1 problem):\n  - (top level): cannot read the file: file not found`);
    expect(loadConfig(file, schema, { optional: true }).download.bandwidthLimit).toBe(50_000_000_000);
  });

  it('a directory is an error', () => {
    expect(errorOf(() => loadConfig(dir, schema)).message).toContain('is a directory');
  });

  it.runIf(process.getuid?.() !== 0)('an unreadable file is an error', () => {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, 'mode: seed\n');
    chmodSync(file, 0o000);
    expect(errorOf(() => loadConfig(file, schema)).message).toContain('permission denied');
  });

  it('applies environment overrides, matched to keys case-insensitively', () => {
    const file = join(dir, 'env.yaml');
    writeFileSync(file, 'server:\n  port: 4001\n');
    const cfg = loadConfig(file, schema, {
      env: { prefix: 'DFDAEMON', vars: { DFDAEMON_SERVER__PORT: '5000', DFDAEMON_DOWNLOAD__BANDWIDTH_LIMIT: '1GiB', DFDAEMON_MODE: 'seed', OTHER: 'x' } },
    });
    expect(cfg.server.port).toBe(5000);
    expect(cfg.download.bandwidthLimit).toBe(1_073_741_824);
    expect(cfg.mode).toBe('seed');
  });

  it('an environment variable naming no key, or a bad value, is an error', () => {
    const file = join(dir, 'env2.yaml');
    writeFileSync(file, '');
    const err = errorOf(() => loadConfig(file, schema, { env: { prefix: 'DF', vars: { DF_SERVER__PROT: '1', DF_SERVER__PORT: 'abc' } } }));
    expect(err.message).toContain('environment variable DF_SERVER__PROT names no config key');
    expect(err.message).toContain('server.port: expected a number, found the string "abc"');
  });
});

describe('formatPath', () => {
  it.each([
    [['download', 'bandwidthLimit'], 'download.bandwidthLimit'],
    [['seedPeers', 0, 'ip'], 'seedPeers[0].ip'],
    [['labels', 'a.b'], 'labels["a.b"]'],
    [['proxy', 'rules', 2, 'regx'], 'proxy.rules[2].regx'],
  ])('%j → %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('exitOnConfigError / loadConfigOrExit', () => {
  function fakeIo() {
    const io = {
      out: '',
      code: undefined as number | undefined,
      stderr: { write: (s: string) => { io.out += s; } },
      exit: (code: number): never => { io.code = code; throw new Error('exit'); },
    };
    return io;
  }

  it('prints the message (no stack) and exits 1', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'download:\n  bandwidthLimit: 10 parsecs\n');
    const io = fakeIo();
    expect(() => loadConfigOrExit(file, schema, {}, io)).toThrow('exit');
    expect(io.code).toBe(1);
    expect(io.out).toContain(`invalid configuration file ${file}`);
    expect(io.out).toContain('download.bandwidthLimit: expected a byte size');
    expect(io.out).not.toMatch(/\n\s+at /);
  });

  it('prints other errors without a stack too', () => {
    const io = fakeIo();
    expect(() => exitOnConfigError(new Error('boom'), io)).toThrow('exit');
    expect(io.out).toBe('invalid configuration: boom\n');
    expect(io.code).toBe(1);
  });
});
