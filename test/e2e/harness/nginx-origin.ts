import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ServiceProcess } from './service-process.js';

export interface AccessLogEntry {
  path: string;
  status: number;
  bytes: number;
  range: string;
}

/** nginx serving a directory on 127.0.0.1, with an access log of path, status, body bytes and Range. */
export class NginxOrigin {
  readonly root: string;
  readonly port: number;
  private readonly logPath: string;
  private readonly proc: ServiceProcess;

  private constructor(root: string, port: number, logPath: string, proc: ServiceProcess) {
    this.root = root;
    this.port = port;
    this.logPath = logPath;
    this.proc = proc;
  }

  static async start(dir: string): Promise<NginxOrigin> {
    const root = join(dir, 'www');
    const tmp = join(dir, 'tmp');
    await mkdir(root, { recursive: true });
    await mkdir(tmp, { recursive: true });
    // Workers may run as an unprivileged user: they must be able to read the files.
    await chmod(dir, 0o755);
    await chmod(root, 0o755);
    const port = await freePort();
    const logPath = join(dir, 'access.log');
    const conf = join(dir, 'nginx.conf');
    await writeFile(
      conf,
      `daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  log_format d7y '$uri $status $body_bytes_sent "$http_range"';
  access_log ${logPath} d7y;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  sendfile on;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
    );
    const proc = new ServiceProcess({ name: 'nginx', command: 'nginx', args: ['-c', conf, '-p', dir] });
    const origin = new NginxOrigin(root, port, logPath, proc);
    await origin.waitListening();
    return origin;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async put(name: string, body: Buffer): Promise<string> {
    const p = join(this.root, name);
    await writeFile(p, body, { mode: 0o644 });
    return `/${name}`;
  }

  /** Entries logged so far (nginx writes a line when a response completes). */
  async accessLog(): Promise<AccessLogEntry[]> {
    const text = await readFile(this.logPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const m = /^(\S+) (\d+) (\d+) "(.*)"$/.exec(l);
        return m === null ? { path: l, status: 0, bytes: 0, range: '' } : { path: m[1] as string, status: Number(m[2]), bytes: Number(m[3]), range: m[4] === '-' ? '' : (m[4] as string) };
      });
  }

  async bytesServed(path: string): Promise<number> {
    return (await this.accessLog()).filter((e) => e.path === path).reduce((s, e) => s + e.bytes, 0);
  }

  async stop(): Promise<void> {
    await this.proc.stop();
  }

  private async waitListening(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(this.port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          resolve(true);
        });
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      if (this.proc.child.exitCode !== null) throw new Error(`nginx exited: ${this.proc.lines.join('\n')}`);
      if (Date.now() > deadline) throw new Error('nginx did not start listening');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
