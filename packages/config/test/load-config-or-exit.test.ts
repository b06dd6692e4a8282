import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real process: compile the package, run a tiny service entry that calls loadConfigOrExit on a
// bad file, and check what an operator would see (exit status 1, the message, no stack trace).
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Under the package's node_modules (ignored by git) so that the compiled code resolves zod and yaml.
const outDir = join(packageDir, 'node_modules', `.test-dist-${process.pid}`);
const work = mkdtempSync(join(tmpdir(), 'd7y-config-exit-'));

beforeAll(async () => {
  const tsc = join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false']);
  writeFileSync(join(outDir, 'main.mjs'), [
    "import { loadConfigOrExit, z, byteSize, duration } from './index.js';",
    "const schema = z.strictObject({ download: z.strictObject({ bandwidthLimit: byteSize(), pieceTimeout: duration().prefault('360s') }) });",
    'const cfg = loadConfigOrExit(process.argv[2], schema);',
    "process.stdout.write(JSON.stringify(cfg) + '\\n');",
  ].join('\n'));
}, 120_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

function run(yaml: string) {
  const file = join(work, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [join(outDir, 'main.mjs'), file], { encoding: 'utf8' });
  return { ...r, file };
}

describe('loadConfigOrExit in a real process', () => {
  it.each([
    ['a wrong unit', 'download:\n  bandwidthLimit: 10 parsecs\n', 'download.bandwidthLimit: expected a byte size'],
    ['an unknown key', 'download:\n  bandwidthLimit: 1GB\n  bandwith: 2\n', 'download.bandwith: unknown key'],
    ['bad YAML', 'download: [\n', 'YAML syntax error'],
  ])('exits 1 with a clear message for %s', (_name, yaml, expected) => {
    const r = run(yaml);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`invalid configuration file ${r.file}`);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('ZodError');
  });

  it('runs normally with a good file', () => {
    const r = run('download:\n  bandwidthLimit: 2MiB\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ download: { bandwidthLimit: 2_097_152, pieceTimeout: 360_000 } });
  });
});
