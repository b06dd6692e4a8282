import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the repository's protos/ directory by walking up from this module, so that the same code
 * works from src/ (tests) and from dist/ (built services). A deployment that moves the package
 * elsewhere passes the directory explicitly.
 */
export function findProtoDir(fromUrl: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(fromUrl));
  for (;;) {
    const candidate = join(dir, 'protos');
    if (existsSync(join(candidate, 'scheduler.proto')) && existsSync(join(candidate, 'health.proto'))) {
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`protos/ directory with scheduler.proto not found above ${dirname(fileURLToPath(fromUrl))}`);
    }
    dir = parent;
  }
}
