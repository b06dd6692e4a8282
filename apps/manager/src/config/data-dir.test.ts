import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataDir } from './data-dir.js';

describe('prepareDataDir', () => {
  const base = mkdtempSync(join(tmpdir(), 'd7y-data-dir-'));

  it('creates the directory 0700', () => {
    const dir = join(base, 'new', 'nested');
    expect(prepareDataDir(dir)).toEqual({ created: true });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing directory others can enter', () => {
    const dir = join(base, 'open');
    mkdirSync(dir, { mode: 0o755 });
    expect(prepareDataDir(dir)).toEqual({ created: false, tightenedFrom: 0o755 });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(prepareDataDir(dir)).toEqual({ created: false });
  });

  it('refuses a path that is a file', () => {
    const file = join(base, 'file');
    writeFileSync(file, '');
    expect(() => prepareDataDir(file)).toThrow(/not a directory/);
  });
});
