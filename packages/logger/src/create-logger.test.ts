import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type CreateLoggerOptions } from './create-logger.js';

// Fake key material (not a key); the armour is assembled so no file in git holds a key header.
const ARMOUR = '-'.repeat(5);
const PEM = [`${ARMOUR}BEGIN PRIVATE KEY${ARMOUR}`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'c2VjcmV0IGtleSBtYXRlcmlhbA==', '-----END PRIVATE KEY-----'].join('\n');
const RSA_PEM = [`${ARMOUR}BEGIN RSA PRIVATE KEY${ARMOUR}`, 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu', '-----END RSA PRIVATE KEY-----'].join('\n');
const CERT = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----';

interface LogLine {
  [key: string]: unknown;
  time?: string;
  err?: { type?: string; message?: string; stack?: string; [key: string]: unknown };
}

/** A logger writing into memory; `lines()` parses what was written. */
function capture(opts: Omit<CreateLoggerOptions, 'destination'> = {}) {
  const chunks: string[] = [];
  const destination = { write: (s: string) => { chunks.push(s); } };
  const logger = createLogger({ level: 'trace', ...opts, destination });
  return {
    logger,
    raw: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine),
  };
}

describe('createLogger redaction', () => {
  it.each([
    ['authorization header', { headers: { authorization: 'Basic dXNlcjpzM2NyM3Q=' } }, 'dXNlcjpzM2NyM3Q='],
    ['Authorization (any case)', { req: { headers: { Authorization: 'Bearer abc.def.ghi' } } }, 'abc.def.ghi'],
    ['proxy-authorization', { headers: { 'Proxy-Authorization': 'Basic cHJveHk6cHc=' } }, 'cHJveHk6cHc='],
    ['cookie', { headers: { cookie: 'session=s3cr3tcookie' } }, 's3cr3tcookie'],
    ['set-cookie list', { headers: { 'set-cookie': ['sid=hunter2cookie; HttpOnly'] } }, 'hunter2cookie'],
    ['password deep in a list', { users: [{ name: 'u', profile: { password: 'hunter2pw' } }] }, 'hunter2pw'],
    ['passwd', { db: { passwd: 'pw-passwd-1' } }, 'pw-passwd-1'],
    ['dbPassword suffix', { database: { dbPassword: 'pw-suffix-1' } }, 'pw-suffix-1'],
    ['PASSWORD upper case', { PASSWORD: 'pw-upper-1' }, 'pw-upper-1'],
    ['passwords plural', { passwords: ['pw-plural-1'] }, 'pw-plural-1'],
    ['token', { auth: { token: 'tok-123456' } }, 'tok-123456'],
    ['accessToken', { accessToken: 'acc-123456' }, 'acc-123456'],
    ['refresh_token', { oauth: { refresh_token: 'ref-123456' } }, 'ref-123456'],
    ['x-auth-token suffix', { headers: { 'x-auth-token': 'xat-123456' } }, 'xat-123456'],
    ['secret', { s3: { secret: 'sec-123456' } }, 'sec-123456'],
    ['clientSecret suffix', { oidc: { clientSecret: 'cs-123456' } }, 'cs-123456'],
    ['privateKey', { tls: { privateKey: 'pk-material' } }, 'pk-material'],
    ['keyPem', { tls: { keyPem: 'kp-material' } }, 'kp-material'],
    ['key exactly', { tls: { key: 'key-material-1' } }, 'key-material-1'],
    ['PEM under an innocent key', { tls: { material: PEM } }, 'c2VjcmV0IGtleSBtYXRlcmlhbA=='],
    ['RSA PEM inside text', { note: `loaded ${RSA_PEM} from disk` }, 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu'],
    ['Bearer in a string', { line: 'GET / with Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' }, 'eyJhbGciOiJIUzI1NiJ9'],
    ['basic in a string (lower case)', { line: 'header was basic dXNlcjpodW50ZXIy' }, 'dXNlcjpodW50ZXIy'],
    ['password in a URL', { url: 'https://alice:url-pw-1@registry.example.com/v2/' }, 'url-pw-1'],
    ['Map values', { headers: new Map([['authorization', 'Bearer map-secret-123']]) }, 'map-secret-123'],
  ])('hides %s', (_name, obj, secret) => {
    const { logger, raw } = capture();
    logger.info(obj, 'event');
    expect(raw()).toContain('event');
    expect(raw()).not.toContain(secret);
    expect(raw()).toContain('[Redacted');
  });

  it('keeps innocent values and structure', () => {
    const { logger, lines } = capture();
    logger.info({ taskId: 'abc', cacheKey: 'ck-1', tokenBucket: { rate: 10 }, cert: CERT, headers: { 'content-type': 'text/plain' }, n: 5 }, 'ok');
    const [line] = lines();
    expect(line).toMatchObject({ msg: 'ok', taskId: 'abc', cacheKey: 'ck-1', tokenBucket: { rate: 10 }, cert: CERT, headers: { 'content-type': 'text/plain' }, n: 5 });
  });

  it('does not modify the caller\'s object', () => {
    const { logger } = capture();
    const obj = { headers: { authorization: 'Bearer keep-me-123' }, nested: { list: [{ password: 'p' }] }, text: `x ${PEM}` };
    const before = structuredClone(obj);
    logger.info(obj, 'x');
    expect(obj).toEqual(before);
  });

  it('redacts the message string and child bindings', () => {
    const { logger, raw } = capture();
    logger.child({ component: 'proxy', upstreamAuth: { token: 'child-tok-1' } }).warn('retrying with Bearer msg-secret-token');
    expect(raw()).not.toContain('child-tok-1');
    expect(raw()).not.toContain('msg-secret-token');
    expect(raw()).toContain('"component":"proxy"');
  });

  it('redacts bindings of grandchildren and of children made with options', () => {
    const { logger, raw } = capture();
    logger.child({ a: 1 }).child({ headers: { authorization: 'Bearer grandchild-secret' } }).info('g');
    logger.child({ password: 'opts-child-secret' }, { level: 'debug' }).debug('o');
    expect(raw()).toContain('"msg":"g"');
    expect(raw()).toContain('"msg":"o"');
    expect(raw()).not.toContain('grandchild-secret');
    expect(raw()).not.toContain('opts-child-secret');
  });

  it('redacts printf-style arguments', () => {
    const { logger, lines } = capture();
    logger.info('proxying with %s to %s', 'Bearer printf-secret-1', 'https://u:printf-pw@h/');
    expect(lines()[0]?.msg).toBe('proxying with Bearer [Redacted] to https://u:[Redacted]@h/');
  });

  it('keeps err serialization (type, message, stack) and scrubs secrets inside it', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new TypeError('fetch https://bob:err-pw-1@host/x failed'), { code: 'E_X', password: 'err-pw-2' });
    logger.error({ err, taskId: 't' }, 'download failed');
    logger.error(new Error('plain'));
    const [first, second] = lines();
    expect(first?.err).toMatchObject({ type: 'TypeError', code: 'E_X', password: '[Redacted]' });
    expect(first?.err?.message).toBe('fetch https://bob:[Redacted]@host/x failed');
    expect(first?.err?.stack).toContain('TypeError');
    expect(JSON.stringify(first)).not.toContain('err-pw');
    expect(second).toMatchObject({ msg: 'plain', err: { type: 'Error', message: 'plain' } });
  });

  it('survives circular objects', () => {
    const { logger, lines } = capture();
    const a: Record<string, unknown> = { name: 'a', secret: 's-circ-1' };
    a.self = a;
    logger.info({ a }, 'circular');
    expect(lines()[0]?.a).toEqual({ name: 'a', secret: '[Redacted]', self: '[Circular]' });
  });
});

describe('createLogger options', () => {
  it('writes JSON with level label, time, name', () => {
    const { logger, lines } = capture({ name: 'scheduler', level: 'info' });
    logger.debug('hidden');
    logger.info({ hostId: 'h' }, 'visible');
    const out = lines();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ level: 'info', name: 'scheduler', msg: 'visible', hostId: 'h' });
    expect(Number.isNaN(Date.parse(out[0]?.time ?? ''))).toBe(false);
  });

  it.each([['verbose'], ['INFO'], ['']])('rejects level %j', (level) => {
    expect(() => createLogger({ level, destination: { write: () => undefined } })).toThrow(/unknown log level/);
  });

  it('pretty mode prints one readable line, still redacted', async () => {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, done) { out += chunk.toString(); done(); } });
    const logger = createLogger({ name: 'dfdaemon', pretty: true, destination: sink });
    logger.info({ peerId: 'p1', password: 'pretty-pw' }, 'started');
    await new Promise((r) => setImmediate(r));
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  dfdaemon: started peerId=p1 password=\[Redacted\]\n$/);
  });
});
