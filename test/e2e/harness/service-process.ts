import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export interface ServiceProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Also append every output line here (kept with the cluster directory for post-mortems). */
  logFile?: string;
}

/**
 * A child process with its output kept (stdout lines parsed as JSON logs when they are),
 * helpers to wait for a log line, and teardown (SIGTERM, then SIGKILL after a grace period).
 */
export class ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  private readonly waiters = new Set<{ test: (line: string) => boolean; resolve: (line: string) => void }>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(o: ServiceProcessOptions) {
    this.name = o.name;
    this.child = spawn(o.command, o.args, {
      cwd: o.cwd,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: WriteStream | undefined = o.logFile === undefined ? undefined : createWriteStream(o.logFile, { flags: 'a' });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        log?.end();
        resolve({ code, signal });
      }),
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let buf = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          this.lines.push(line);
          log?.write(`${line}\n`);
          if (process.env.D7Y_E2E_LOG) process.stderr.write(`[${this.name}] ${line}\n`);
          for (const w of [...this.waiters]) {
            if (w.test(line)) {
              this.waiters.delete(w);
              w.resolve(line);
            }
          }
        }
      });
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves with the first line (past or future) matching; rejects on exit or timeout. */
  waitForLine(test: (line: string) => boolean, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { test, resolve: (l: string) => (clearTimeout(t), resolve(l)) };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`${this.name}: no matching log line within ${timeoutMs} ms; last lines:\n${this.lines.slice(-15).join('\n')}`));
      }, timeoutMs);
      this.waiters.add(w);
      void this.exited.then(({ code, signal }) => {
        if (!this.waiters.has(w)) return;
        this.waiters.delete(w);
        clearTimeout(t);
        reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before it was ready:\n${this.lines.slice(-15).join('\n')}`));
      });
    });
  }

  /** JSON log records (pino lines) so far. */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const l of this.lines) {
      if (!l.startsWith('{')) continue;
      try {
        out.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // not JSON
      }
    }
    return out;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<unknown> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}
