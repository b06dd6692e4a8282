import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file (never an absolute path of a machine). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const BIN = {
  dfdaemon: join(REPO_ROOT, 'apps', 'dfdaemon', 'bin', 'dfdaemon.js'),
  dfget: join(REPO_ROOT, 'apps', 'dfdaemon', 'bin', 'dfget.js'),
  scheduler: join(REPO_ROOT, 'apps', 'scheduler', 'bin', 'scheduler.js'),
  dfcert: join(REPO_ROOT, 'packages', 'tls', 'bin', 'dfcert.js'),
} as const;

const BUILT: Record<keyof typeof BIN, string> = {
  dfdaemon: join(REPO_ROOT, 'apps', 'dfdaemon', 'dist', 'main.js'),
  dfget: join(REPO_ROOT, 'apps', 'dfdaemon', 'dist', 'cli', 'dfget.js'),
  scheduler: join(REPO_ROOT, 'apps', 'scheduler', 'dist', 'main.js'),
  dfcert: join(REPO_ROOT, 'packages', 'tls', 'dist', 'cli', 'dfcert.js'),
};

/** e2e tests run the BUILT apps: fail with a clear message when `pnpm build` was not run. */
export function assertBuilt(...names: (keyof typeof BIN)[]): void {
  for (const n of names) {
    if (!existsSync(BUILT[n])) throw new Error(`${BUILT[n]} is missing: run \`pnpm build\` before the e2e tests`);
  }
}

export function isBuilt(name: keyof typeof BIN): boolean {
  return existsSync(BUILT[name]);
}
