import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN } from './paths.js';

const run = promisify(execFile);

/** Certificates made with the real `dfcert` CLI, as an operator would. */
export class E2eCertificates {
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** `dfcert init --dir <dir>`: CA + manager, scheduler, dfdaemon, client identities. */
  static async init(dir: string): Promise<E2eCertificates> {
    await run(process.execPath, [BIN.dfcert, 'init', '--dir', dir]);
    return new E2eCertificates(dir);
  }

  /** A per-host identity (`dfcert issue`); its hostname is the certificate's CN. Returns the TLS dir. */
  async issue(name: string, role: 'dfdaemon' | 'scheduler' | 'manager' | 'client'): Promise<string> {
    const out = join(this.dir, name);
    if (!existsSync(out)) {
      await run(process.execPath, [BIN.dfcert, 'issue', '--dir', this.dir, '--name', name, '--role', role, '--cn', name]);
    }
    return out;
  }
}
