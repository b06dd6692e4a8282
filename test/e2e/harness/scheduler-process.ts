import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { BIN } from './paths.js';
import { ServiceProcess } from './service-process.js';

export interface SchedulerProcessOptions {
  home: string;
  tlsDir: string;
  /** Extra scheduler.yaml keys merged over the loopback defaults. */
  config?: Record<string, unknown>;
}

/** The BUILT scheduler (bin/scheduler.js) on a free loopback port. */
export class SchedulerProcess {
  readonly proc: ServiceProcess;
  readonly port: number;

  private constructor(proc: ServiceProcess, port: number) {
    this.proc = proc;
    this.port = port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(o: SchedulerProcessOptions): Promise<SchedulerProcess> {
    await mkdir(o.home, { recursive: true });
    const port = await freePort();
    const config = {
      server: { port, listenIP: '127.0.0.1', advertiseIP: '127.0.0.1', host: 'scheduler', dataDir: join(o.home, 'data') },
      security: { tlsDir: o.tlsDir },
      ...(o.config ?? {}),
    };
    const path = join(o.home, 'scheduler.yaml');
    await writeFile(path, JSON.stringify(config, null, 2));
    const proc = new ServiceProcess({ name: 'scheduler', command: process.execPath, args: [BIN.scheduler, '--config', path], logFile: join(o.home, 'scheduler.log') });
    // Ready when it logs that it listens (any pino line naming the port).
    await proc.waitForLine((l) => l.includes(`${port}`) && /listen|ready|started|serving/i.test(l));
    return new SchedulerProcess(proc, port);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<unknown> {
    return this.proc.kill(signal);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
