import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E2eCertificates } from './certificates.js';
import { DfdaemonProcess, type DfdaemonProcessOptions } from './dfdaemon-process.js';
import { NginxOrigin } from './nginx-origin.js';
import { SchedulerProcess } from './scheduler-process.js';

/**
 * A throw-away cluster on loopback: one temp directory, certificates from `dfcert`, nginx as the
 * origin, schedulers and dfdaemons from the built apps. `stop()` tears everything down in reverse.
 */
export class E2eCluster {
  readonly root: string;
  readonly certs: E2eCertificates;
  private readonly stoppers: (() => Promise<unknown>)[] = [];

  private constructor(root: string, certs: E2eCertificates) {
    this.root = root;
    this.certs = certs;
  }

  static async create(name: string): Promise<E2eCluster> {
    const root = await mkdtemp(join(tmpdir(), `d7y-e2e-${name}-`));
    // nginx workers may run unprivileged: they need to traverse to the served files.
    await chmod(root, 0o755);
    const certs = await E2eCertificates.init(join(root, 'certs'));
    return new E2eCluster(root, certs);
  }

  async nginx(): Promise<NginxOrigin> {
    const o = await NginxOrigin.start(join(this.root, 'nginx'));
    this.stoppers.push(() => o.stop());
    return o;
  }

  async scheduler(name = 'scheduler', config?: Record<string, unknown>): Promise<SchedulerProcess> {
    const tlsDir = await this.certs.issue(name, 'scheduler');
    const s = await SchedulerProcess.start({ home: join(this.root, name), tlsDir, ...(config ? { config } : {}) });
    this.stoppers.push(() => s.stop());
    return s;
  }

  async dfdaemon(o: Omit<DfdaemonProcessOptions, 'home' | 'tlsDir'>): Promise<DfdaemonProcess> {
    const tlsDir = await this.certs.issue(o.hostname, 'dfdaemon');
    const d = await DfdaemonProcess.start({ ...o, home: join(this.root, o.hostname), tlsDir });
    this.stoppers.push(() => d.stop());
    return d;
  }

  /** Registers extra teardown (e.g. an in-process fake). */
  onStop(fn: () => Promise<unknown>): void {
    this.stoppers.push(fn);
  }

  async stop(): Promise<void> {
    while (this.stoppers.length > 0) await (this.stoppers.pop() as () => Promise<unknown>)().catch(() => undefined);
    if (process.env.D7Y_E2E_KEEP === undefined) await rm(this.root, { recursive: true, force: true });
  }
}
