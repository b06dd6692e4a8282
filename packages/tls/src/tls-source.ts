import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateInfo } from './certificate-info.js';
import type { TlsLogger } from './tls-logger.js';
import {
  TlsMaterialError,
  checkTlsMaterial,
  materialFingerprint,
  sameMaterial,
  type CheckedTlsMaterial,
  type TlsMaterial,
  type TlsMaterialInput,
} from './tls-material.js';

export const TLS_FILES = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;

export interface TlsSourceDeps {
  logger: TlsLogger;
  /** How often the directory is read for changes; default 1000 ms. */
  pollIntervalMs?: number;
  now?: () => number;
}

export type TlsChangeListener = (material: TlsMaterial) => void;

const DEFAULT_POLL_INTERVAL_MS = 1000;

function readDirSync(dir: string): TlsMaterial {
  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new TlsMaterialError(`cannot read ${join(dir, name)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { ca: read(TLS_FILES.ca), cert: read(TLS_FILES.cert), key: read(TLS_FILES.key) };
}

/**
 * The current CA bundle, certificate and key of this process, optionally following a directory
 * (ca.crt, tls.crt, tls.key, as a mounted K8s Secret has them). The directory is re-read every
 * pollIntervalMs: reading through the file names follows atomic renames and `..data` symlink
 * swaps alike. New files are applied only when they make a valid identity; otherwise the old
 * material stays and the reason is logged once the bad files have been stable for one poll
 * (so a writer that replaces three files one after another does not cause noise).
 */
export class TlsSource {
  private checked: CheckedTlsMaterial;
  private readonly listeners = new Set<TlsChangeListener>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private polling: Promise<void> | undefined;
  private rejected: { fingerprint: string; logged: boolean } | undefined;

  private constructor(
    initial: CheckedTlsMaterial,
    private readonly dir: string | undefined,
    private readonly deps: Partial<TlsSourceDeps>,
  ) {
    this.checked = initial;
  }

  /** Loads the directory now (throws TlsMaterialError naming the file if it is unusable); call start() to follow changes. */
  static fromDir(dir: string, deps: TlsSourceDeps): TlsSource {
    if (typeof dir !== 'string' || dir === '') throw new TlsMaterialError('TlsSource.fromDir: dir must be a non-empty path');
    if (!deps?.logger) throw new TlsMaterialError('TlsSource.fromDir: deps.logger is required');
    const interval = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval < 10) throw new TlsMaterialError('TlsSource.fromDir: pollIntervalMs must be >= 10');
    const now = deps.now ?? Date.now;
    let checked: CheckedTlsMaterial;
    try {
      checked = checkTlsMaterial(readDirSync(dir), now());
    } catch (err) {
      throw new TlsMaterialError(`TLS directory ${dir}: ${(err as Error).message}`);
    }
    return new TlsSource(checked, dir, deps);
  }

  /** Fixed material (tests, in-memory CAs); replace() swaps it. */
  static fromPem(material: TlsMaterialInput, deps: Partial<TlsSourceDeps> = {}): TlsSource {
    return new TlsSource(checkTlsMaterial(material, (deps.now ?? Date.now)()), undefined, deps);
  }

  current(): TlsMaterial {
    return this.checked.material;
  }

  certificate(): CertificateInfo {
    return this.checked.leaf;
  }

  caCertificates(): CertificateInfo[] {
    return this.checked.caCertificates;
  }

  /** Called after every change with the new material; returns the unsubscribe function. */
  onChange(listener: TlsChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validate and switch to new material at once (throws TlsMaterialError and keeps the old one when invalid). */
  replace(material: TlsMaterialInput): void {
    this.apply(checkTlsMaterial(material, this.now()));
  }

  start(): void {
    if (this.running || this.dir === undefined) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** Read the directory once now; resolves true when new material was applied. */
  async checkNow(): Promise<boolean> {
    if (this.dir === undefined) return false;
    const dir = this.dir;
    let material: TlsMaterial;
    try {
      const [ca, cert, key] = await Promise.all([TLS_FILES.ca, TLS_FILES.cert, TLS_FILES.key].map((name) => readFile(join(dir, name))));
      material = { ca: ca!, cert: cert!, key: key! };
    } catch (err) {
      this.reject(`cannot read: ${(err as Error).message}`, `unreadable:${(err as Error).message}`);
      return false;
    }
    if (sameMaterial(material, this.checked.material)) {
      this.rejected = undefined;
      return false;
    }
    let checked: CheckedTlsMaterial;
    try {
      checked = checkTlsMaterial(material, this.now());
    } catch (err) {
      this.reject((err as Error).message, materialFingerprint(material));
      return false;
    }
    this.apply(checked);
    return true;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private reject(reason: string, fingerprint: string): void {
    if (this.rejected?.fingerprint !== fingerprint) {
      this.rejected = { fingerprint, logged: false };
      return;
    }
    if (this.rejected.logged) return;
    this.rejected.logged = true;
    this.deps.logger?.warn({ dir: this.dir, reason }, 'ignoring the new TLS files and keeping the current certificate');
  }

  private apply(checked: CheckedTlsMaterial): void {
    this.checked = checked;
    this.rejected = undefined;
    this.deps.logger?.info(
      { dir: this.dir, subject: checked.leaf.subject, serialNumber: checked.leaf.serialNumber, notAfter: checked.leaf.notAfter.toISOString() },
      'TLS certificate loaded',
    );
    for (const listener of this.listeners) {
      try {
        listener(checked.material);
      } catch (err) {
        this.deps.logger?.error({ err }, 'TLS change listener failed');
      }
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.polling = this.checkNow()
        .then(
          () => undefined,
          (err: unknown) => this.deps.logger?.error({ err, dir: this.dir }, 'TLS directory poll failed'),
        )
        .finally(() => {
          this.polling = undefined;
          this.schedule();
        });
    }, this.deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.timer.unref();
  }
}
