import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN } from './paths.js';
import { ServiceProcess } from './service-process.js';

export interface DfdaemonProcessOptions {
  /** Working directory of this daemon (storage, socket, config). */
  home: string;
  hostname: string;
  tlsDir: string;
  schedulers: string[];
  seed?: boolean;
  /** Extra config merged over the loopback defaults (camelCase keys as in dfdaemon.yaml). */
  config?: Record<string, unknown>;
  /** Options for node itself (benchmarks: `--cpu-prof`, …). */
  nodeArgs?: string[];
}

export interface DfdaemonPorts {
  uploadPort: number;
  piecePort: number;
  healthPort: number;
  /** 0 when the proxy is disabled. */
  proxyPort: number;
  socketPath: string;
  hostId: string;
}

/** The BUILT dfdaemon (bin/dfdaemon.js) with a generated dfdaemon.yaml on loopback, kernel-chosen ports. */
export class DfdaemonProcess {
  readonly options: DfdaemonProcessOptions;
  readonly configPath: string;
  proc: ServiceProcess;
  ports: DfdaemonPorts;

  private constructor(o: DfdaemonProcessOptions, configPath: string, proc: ServiceProcess, ports: DfdaemonPorts) {
    this.options = o;
    this.configPath = configPath;
    this.proc = proc;
    this.ports = ports;
  }

  static async start(o: DfdaemonProcessOptions): Promise<DfdaemonProcess> {
    await mkdir(o.home, { recursive: true });
    const config = merge(
      {
        host: { hostname: o.hostname, ip: '127.0.0.1' },
        // origins of these tests listen on loopback: seed triggers and jobs must reach them
        download: { server: { socketPath: join(o.home, 'dfdaemon.sock') }, collectedPieceTimeout: '10s', pieceTimeout: '20s', remoteSource: { allowList: ['127.0.0.0/8', '::1'] } },
        upload: { server: { ip: '127.0.0.1', port: 0, tlsDir: o.tlsDir }, client: { tlsDir: o.tlsDir } },
        scheduler: { addrs: o.schedulers, scheduleTimeout: '15s', announceInterval: '30s' },
        seedPeer: { enable: o.seed === true },
        storage: { dir: join(o.home, 'data'), keep: true, server: { ip: '127.0.0.1', tcpPort: 0 } },
        health: { server: { port: 0 } },
        proxy: { server: { port: 0 } },
      },
      o.config ?? {},
    );
    const configPath = join(o.home, 'dfdaemon.yaml');
    // JSON is YAML.
    await writeFile(configPath, JSON.stringify(config, null, 2));
    const { proc, ports } = await DfdaemonProcess.spawn(o, configPath);
    return new DfdaemonProcess(o, configPath, proc, ports);
  }

  private static async spawn(o: DfdaemonProcessOptions, configPath: string): Promise<{ proc: ServiceProcess; ports: DfdaemonPorts }> {
    const args = [...(o.nodeArgs ?? []), BIN.dfdaemon, '--config', configPath];
    const proc = new ServiceProcess({ name: o.hostname, command: process.execPath, args, logFile: join(o.home, 'dfdaemon.log') });
    const line = await proc.waitForLine((l) => l.includes('"dfdaemon ready"'));
    const rec = JSON.parse(line) as Omit<DfdaemonPorts, 'proxyPort'> & { proxyPort?: number };
    return { proc, ports: { uploadPort: rec.uploadPort, piecePort: rec.piecePort, healthPort: rec.healthPort, proxyPort: rec.proxyPort ?? 0, socketPath: rec.socketPath, hostId: rec.hostId } };
  }

  get socketPath(): string {
    return this.ports.socketPath;
  }

  /** Starts the same daemon again (same config and storage: `storage.keep` makes it resume). */
  async restart(): Promise<void> {
    await this.proc.stop();
    const { proc, ports } = await DfdaemonProcess.spawn(this.options, this.configPath);
    this.proc = proc;
    this.ports = ports;
  }

  async respawnAfterKill(): Promise<void> {
    const { proc, ports } = await DfdaemonProcess.spawn(this.options, this.configPath);
    this.proc = proc;
    this.ports = ports;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<unknown> {
    return this.proc.kill(signal);
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    const bothObjects = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof av === 'object' && av !== null && !Array.isArray(av);
    out[k] = bothObjects ? merge(av as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
