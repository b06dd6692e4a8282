import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createCa } from '@d7y/tls';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Logger } from '@d7y/logger';
import { loadProxyCa } from './proxy-ca.js';

function capture(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk, _e, cb) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, dest) as unknown as Logger, lines };
}

describe('loadProxyCa', () => {
  it('generates a CA once, persists it (key 0600, dir 0700), logs its path, and loads the same one next time', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'd7y-proxy-ca-')), 'proxy-ca');
    const first = capture();
    const a = loadProxyCa({ dir, logger: first.logger });
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await new Promise((r) => setImmediate(r));
    expect(first.lines.some((l) => l.caCert === join(dir, 'ca.crt'))).toBe(true);
    expect(JSON.stringify(first.lines)).not.toContain('PRIVATE KEY');
    const b = loadProxyCa({ dir, logger: capture().logger });
    expect(b.certPem).toBe(a.certPem);
  });

  it('uses the configured caCert/caKey', () => {
    const dir = mkdtempSync(join(tmpdir(), 'd7y-proxy-ca-'));
    const ca = createCa({ commonName: 'configured' });
    writeFileSync(join(dir, 'c.crt'), ca.certPem);
    writeFileSync(join(dir, 'c.key'), ca.keyPem, { mode: 0o600 });
    const loaded = loadProxyCa({ caCert: join(dir, 'c.crt'), caKey: join(dir, 'c.key'), dir: join(dir, 'gen'), logger: capture().logger });
    expect(loaded.certPem).toBe(ca.certPem);
  });

  it('refuses a configured pair that does not match (never falls back silently)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'd7y-proxy-ca-'));
    writeFileSync(join(dir, 'c.crt'), createCa().certPem);
    writeFileSync(join(dir, 'c.key'), createCa().keyPem);
    expect(() => loadProxyCa({ caCert: join(dir, 'c.crt'), caKey: join(dir, 'c.key'), dir, logger: capture().logger })).toThrow(/does not belong/);
  });
});
