import type { Logger } from '@d7y/logger';

/** What the tracker needs of a table of hosts (schedulers or seed peers). */
export interface KeepAliveStore {
  /** Sets state active and last_keep_alive_at = now; false when the row does not exist. */
  keepAlive(id: number): Promise<boolean>;
  setState(id: number, state: 'active' | 'inactive'): Promise<void>;
}

export interface KeepAliveLease {
  /** One keepalive message. */
  beat(): Promise<void>;
  /** The stream ended (EOF, error or cancel). Idempotent. */
  close(): Promise<void>;
}

/**
 * A host is active while at least one KeepAlive stream of it is open on this manager: the first
 * stream marks it active, the end of the last one marks it inactive at once. Counting streams
 * matters when a scheduler reconnects before its old stream is noticed gone.
 */
export class KeepAliveTracker {
  private readonly store: KeepAliveStore;
  private readonly log: Logger;
  private readonly open = new Map<number, number>();
  private readonly closing = new Set<Promise<void>>();

  constructor(deps: { store: KeepAliveStore; logger: Logger; kind: string }) {
    this.store = deps.store;
    this.log = deps.logger.child({ component: `${deps.kind}-keepalive` });
  }

  /** Answers undefined when the host is unknown. */
  async start(id: number): Promise<KeepAliveLease | undefined> {
    if (!(await this.store.keepAlive(id))) return undefined;
    this.open.set(id, (this.open.get(id) ?? 0) + 1);
    this.log.info({ id, streams: this.open.get(id) }, 'keepalive stream opened: active');
    let closed = false;
    return {
      beat: async () => {
        if (!closed) await this.store.keepAlive(id);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        const left = (this.open.get(id) ?? 1) - 1;
        if (left > 0) {
          this.open.set(id, left);
          return;
        }
        this.open.delete(id);
        const marking = this.store.setState(id, 'inactive').then(() => this.log.info({ id }, 'keepalive stream ended: inactive'));
        this.closing.add(marking);
        try {
          await marking;
        } finally {
          this.closing.delete(marking);
        }
      },
    };
  }

  /** Streams open on this manager for the host. */
  openStreams(id: number): number {
    return this.open.get(id) ?? 0;
  }

  /** Waits for hosts being marked inactive (streams cut by a shutdown) before the database closes. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.closing]);
  }
}
