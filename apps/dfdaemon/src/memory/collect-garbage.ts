import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;
let pending: NodeJS.Timeout | undefined;

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

/**
 * Runs one full garbage collection shortly (calls within 100 ms share it). For buffers just let go
 * after a burst of work: an idle daemon allocates next to nothing, so V8 would otherwise leave
 * them, and the memory under them, in place until it next needs room — which may be never.
 * Costs one pause of a few milliseconds to a few tens of milliseconds on a daemon's heap.
 */
export function collectGarbageSoon(): void {
  if (pending !== undefined) return;
  pending = setTimeout(() => {
    pending = undefined;
    fullCollection()?.();
  }, 100);
  pending.unref();
}
