import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROTO_FILES, PROTO_LOADER_OPTIONS } from './proto-loader-options.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('generated types', () => {
  it('match protos/*.proto (scripts/check-fresh.sh)', () => {
    const out = execFileSync('sh', [join(packageDir, 'scripts/check-fresh.sh')], { encoding: 'utf8' });
    expect(out).toContain('generated types are fresh');
  }, 60_000);

  it('are generated with the same options the loader uses at run time', () => {
    const script = readFileSync(join(packageDir, 'scripts/generate.sh'), 'utf8');
    const flags = new Set(script.match(/--[a-zA-Z]+(=[^\s\\]+)?/g) ?? []);
    expect(PROTO_LOADER_OPTIONS).toEqual({ keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true });
    for (const flag of ['--keepCase', '--longs=Number', '--enums=String', '--defaults', '--oneofs']) expect(flags).toContain(flag);
    // Options that would change the shape of messages must not appear on either side.
    for (const flag of flags) expect(flag).not.toMatch(/^--(bytes|json|arrays|objects)/);
    for (const file of PROTO_FILES) expect(script).toContain(file);
  });
});
