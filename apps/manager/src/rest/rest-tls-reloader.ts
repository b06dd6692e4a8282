import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { Server } from 'node:tls';
import type { Logger } from '@d7y/logger';

/**
 * Re-reads server.rest.tls.{cert,key} every intervalMs and swaps them into the running HTTPS
 * server when they change (new connections get the new certificate, open ones are untouched).
 * A pair that does not load (half-written, mismatched) keeps the old one and is logged once.
 */
export class RestTlsReloader {
  private readonly server: Server;
  private readonly certFile: string;
  private readonly keyFile: string;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private current: string;
  private rejected = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: { server: Server; certFile: string; keyFile: string; initial: { cert: Buffer; key: Buffer }; logger: Logger; intervalMs?: number }) {
    this.server = deps.server;
    this.certFile = deps.certFile;
    this.keyFile = deps.keyFile;
    this.log = deps.logger.child({ component: 'rest-tls' });
    this.intervalMs = deps.intervalMs ?? 5_000;
    this.current = Buffer.concat([deps.initial.cert, deps.initial.key]).toString('base64');
  }

  start(): void {
    this.timer = setInterval(() => void this.checkNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Answers true when a new pair was applied. */
  async checkNow(): Promise<boolean> {
    let cert: Buffer;
    let key: Buffer;
    try {
      [cert, key] = await Promise.all([readFile(this.certFile), readFile(this.keyFile)]);
    } catch (err) {
      this.log.warn({ err }, 'cannot read the REST TLS files; keeping the current certificate');
      return false;
    }
    const fingerprint = Buffer.concat([cert, key]).toString('base64');
    if (fingerprint === this.current || fingerprint === this.rejected) return false;
    try {
      createSecureContext({ cert, key });
    } catch (err) {
      this.rejected = fingerprint;
      this.log.warn({ err }, 'new REST TLS files do not load; keeping the current certificate');
      return false;
    }
    this.server.setSecureContext({ cert, key, minVersion: 'TLSv1.2' });
    this.current = fingerprint;
    this.log.info({ certFile: this.certFile }, 'REST TLS certificate reloaded');
    return true;
  }
}
