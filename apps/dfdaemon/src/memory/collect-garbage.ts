import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * V8's full collection, made reachable without starting node with --expose-gc: the flag is set
 * for one new context, whose `gc` is kept, and unset again. Null where that is not possible.
 */
function fullCollection(): (() => void) | null {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const fn = runInNewContext('gc') as unknown;
      gc = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      gc = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  return gc;
}

export interface GarbageCollectorOptions {
  /** Calls within this time of each other share one collection (ms). */
  coalesceMs?: number;
  /** At most one collection per this long (ms); a later call waits for its turn. */
  minIntervalMs?: number;
  /** What runs (default: V8's full collection). */
  collect?: () => void;
}

/**
 * A function that runs one full garbage collection soon. For buffers just let go after a burst
 * of work: an idle daemon allocates next to nothing, so V8 would otherwise leave them, and the
 * memory under them, in place until it next needs room — which may be never. Each run is one
 * pause of a few milliseconds to a few tens of milliseconds on a daemon's heap, hence the spacing.
 */
export function garbageCollector(o: GarbageCollectorOptions = {}): () => void {
  const coalesceMs = o.coalesceMs ?? 100;
  const minIntervalMs = o.minIntervalMs ?? 10_000;
  let pending: NodeJS.Timeout | undefined;
  let lastRun = -Infinity;
  return () => {
    if (pending !== undefined) return;
    const wait = Math.max(coalesceMs, lastRun + minIntervalMs - Date.now());
    pending = setTimeout(() => {
      pending = undefined;
      lastRun = Date.now();
      (o.collect ?? fullCollection() ?? (() => undefined))();
    }, wait);
    pending.unref();
  };
}

/**
 * The daemon's collector: at most one full collection every 10 s, so that buffers going idle
 * every few seconds (a parent answering a piece request now and then) do not cost one each time.
 */
export const collectGarbageSoon = garbageCollector();
