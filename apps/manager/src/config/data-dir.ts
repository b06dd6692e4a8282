import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * Creates server.dataDir with mode 0700, or tightens an existing one that others could enter
 * (it holds the database and the JWT key). Answers the mode it found, for a log line.
 */
export function prepareDataDir(dir: string): { created: boolean; tightenedFrom?: number } {
  let mode: number;
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) throw new Error(`server.dataDir ${dir} exists and is not a directory`);
    mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return { created: true };
  }
  if ((mode & 0o077) === 0) return { created: false };
  chmodSync(dir, 0o700);
  return { created: false, tightenedFrom: mode };
}
