export interface ProgressSnapshot {
  /** Bytes stored so far. */
  bytes: number;
  /** null while unknown. */
  total: number | null;
  fromPeers: number;
  fromSource: number;
  fromLocal: number;
}

export interface ProgressReporterDeps {
  out: { write(text: string): unknown; isTTY?: boolean };
  enabled: boolean;
  now?: () => number;
}

/**
 * Progress of a dfget download: a redrawn bar on a terminal (bytes, rate, ETA and the share
 * that came from peers vs the source), plain lines otherwise (one every 10 %).
 */
export class ProgressReporter {
  private readonly d: ProgressReporterDeps;
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastDraw = 0;
  private lastDecile = -1;

  constructor(deps: ProgressReporterDeps) {
    this.d = deps;
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
  }

  update(s: ProgressSnapshot, force = false): void {
    if (!this.d.enabled) return;
    if (this.d.out.isTTY === true) {
      const t = this.now();
      if (!force && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      this.d.out.write(`\r${this.line(s, true)}\x1b[K`);
      return;
    }
    const decile = s.total === null || s.total === 0 ? 0 : Math.floor((s.bytes * 10) / s.total);
    if (force || decile > this.lastDecile) {
      this.lastDecile = decile;
      this.d.out.write(`${this.line(s, false)}\n`);
    }
  }

  done(s: ProgressSnapshot, output: string): void {
    if (this.d.out.isTTY === true && this.d.enabled) this.d.out.write(`\r${this.line(s, true)}\x1b[K\n`);
    const secs = Math.max(0.001, (this.now() - this.startedAt) / 1000);
    this.d.out.write(
      `downloaded ${formatBytes(s.bytes)} to ${output} in ${secs.toFixed(2)} s (${formatBytes(s.bytes / secs)}/s; ` +
        `peers ${formatBytes(s.fromPeers)}, source ${formatBytes(s.fromSource)}, local ${formatBytes(s.fromLocal)})\n`,
    );
  }

  line(s: ProgressSnapshot, bar: boolean): string {
    const secs = Math.max(0.001, (this.now() - this.startedAt) / 1000);
    const rate = s.bytes / secs;
    const pct = s.total === null || s.total === 0 ? undefined : Math.min(100, (s.bytes * 100) / s.total);
    const eta = s.total === null || rate === 0 ? '?' : `${Math.max(0, Math.ceil((s.total - s.bytes) / rate))}s`;
    const width = 24;
    const filled = pct === undefined ? 0 : Math.round((pct / 100) * width);
    const barText = bar ? `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ` : '';
    const peerShare = s.bytes === 0 ? 0 : Math.round((s.fromPeers * 100) / s.bytes);
    return (
      `${barText}${pct === undefined ? '?' : pct.toFixed(0)}% ${formatBytes(s.bytes)}/${s.total === null ? '?' : formatBytes(s.total)} ` +
      `${formatBytes(rate)}/s ETA ${eta} peers ${peerShare}% source ${s.bytes === 0 ? 0 : 100 - peerShare - Math.round((s.fromLocal * 100) / s.bytes)}%`
    );
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
