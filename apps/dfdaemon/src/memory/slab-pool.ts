import { collectGarbageSoon } from './collect-garbage.js';

export interface SlabPoolOptions {
  /** Size of each buffer handed out (bytes). */
  slabBytes: number;
  /** Idle time after which the free slabs are let go (ms). */
  idleMs?: number;
  /**
   * Called once the free slabs were let go, before the pool asks for a garbage collection: the
   * owner drops whatever else it keeps for reuse (idle connections holding a slab).
   */
  onIdle?: () => void;
  /** Frees what was let go; the default runs one full garbage collection soon. */
  collect?: () => void;
  /**
   * Blocks of page-aligned shared memory: a slab can then be read in place by another thread
   * (posted as its SharedArrayBuffer) and written with O_DIRECT (see `isAlignedSlab`).
   */
  shared?: boolean;
}

/**
 * 32 MiB: glibc serves an allocation this large with a mapping of its own whatever its dynamic
 * threshold (which stops at 32 MiB on 64-bit), and unmaps it when it is freed. Smaller buffers come
 * from the brk heap, where a freed one stays resident as long as anything above it lives: after a
 * 1 GiB download its 2 MiB slabs kept ~60 MiB of a daemon's RSS for good.
 */
const BLOCK_BYTES = 32 * 1024 * 1024;
const DEFAULT_IDLE_MS = 2_000;
/** What O_DIRECT asks of a buffer's address, a file offset and a length on common devices. */
export const DIRECT_IO_ALIGN = 4096;
const WASM_PAGE_BYTES = 64 * 1024;

/** The global WebAssembly (the project's TypeScript libraries do not declare it). */
interface WasmGlobal {
  WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer } };
}

/** Blocks of shared pools: page-aligned (their slabs may go to O_DIRECT writes). */
const alignedBlocks = new WeakSet<ArrayBufferLike>();

/**
 * True when `chunk` lies in a shared pool's block at an address, and with a length, that are
 * multiples of DIRECT_IO_ALIGN: it may be written with O_DIRECT at an aligned file offset.
 */
export function isAlignedSlab(chunk: Uint8Array): boolean {
  return alignedBlocks.has(chunk.buffer) && chunk.byteOffset % DIRECT_IO_ALIGN === 0 && chunk.length % DIRECT_IO_ALIGN === 0 && chunk.length > 0;
}

/**
 * A block of shared memory whose start is page-aligned. A WebAssembly memory is mapped by V8 on
 * its own pages; a plain (Shared)ArrayBuffer comes from malloc, 16 bytes past a page boundary.
 * V8 reserves ~10 GiB of address space around each such memory (only touched pages use RAM);
 * where that is refused (an address-space ulimit), undefined: the pool falls back to plain memory
 * and its slabs take the buffered path.
 */
function alignedSharedBlock(bytes: number): SharedArrayBuffer | undefined {
  const pages = Math.ceil(bytes / WASM_PAGE_BYTES);
  let block: SharedArrayBuffer;
  try {
    block = new (globalThis as unknown as WasmGlobal).WebAssembly.Memory({ initial: pages, maximum: pages, shared: true }).buffer;
  } catch {
    return undefined;
  }
  alignedBlocks.add(block);
  return block;
}

/**
 * Fixed-size I/O buffers, reused, and given back to the operating system when unused. Slabs are
 * carved from 32 MiB blocks as they are first needed (a block's pages count in RSS only once
 * written); a slab comes back with `give` (any view inside it will do) and is handed out again
 * before a new one is carved. After `idleMs` without a `take`, the free slabs are dropped and one
 * garbage collection frees every block none of whose slabs is still out.
 */
export class SlabPool {
  readonly slabBytes: number;
  private readonly slabsPerBlock: number;
  private readonly blockBytes: number;
  private readonly idleMs: number;
  private readonly onIdle: (() => void) | undefined;
  private readonly collect: () => void;
  private readonly free: Buffer[] = [];
  /** Per block, 1 for each slab handed out and not given back: only those are taken back. */
  private readonly outFlags = new WeakMap<ArrayBufferLike, Uint8Array>();
  private readonly shared: boolean;
  private block: ArrayBufferLike | undefined;
  private carved = 0;
  private outCount = 0;
  private lastTake = 0;
  private trimTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(o: SlabPoolOptions) {
    if (!Number.isInteger(o.slabBytes) || o.slabBytes <= 0 || o.slabBytes > BLOCK_BYTES) {
      throw new RangeError(`slabBytes must be an integer in (0, ${BLOCK_BYTES}], got ${o.slabBytes}`);
    }
    this.slabBytes = o.slabBytes;
    this.slabsPerBlock = Math.floor(BLOCK_BYTES / o.slabBytes);
    this.blockBytes = this.slabsPerBlock * o.slabBytes;
    this.idleMs = o.idleMs ?? DEFAULT_IDLE_MS;
    this.onIdle = o.onIdle;
    this.collect = o.collect ?? collectGarbageSoon;
    this.shared = o.shared === true;
  }

  /** A slab of `slabBytes` (contents undefined) to be given back with `give`. */
  take(): Buffer {
    this.lastTake = Date.now();
    let slab = this.free.pop();
    if (slab === undefined) {
      if (this.block === undefined || this.carved === this.slabsPerBlock) {
        this.block = (this.shared ? alignedSharedBlock(this.blockBytes) : undefined) ?? new ArrayBuffer(this.blockBytes);
        this.outFlags.set(this.block, new Uint8Array(this.slabsPerBlock));
        this.carved = 0;
      }
      slab = Buffer.from(this.block, this.carved * this.slabBytes, this.slabBytes);
      this.carved += 1;
    }
    (this.outFlags.get(slab.buffer) as Uint8Array)[slab.byteOffset / this.slabBytes] = 1;
    this.outCount += 1;
    this.trimLater();
    return slab;
  }

  /**
   * Takes back the slab `chunk` lies in (a view of a slab, or the slab itself). Anything else,
   * and a slab already given back, is ignored: the caller must not use the slab afterwards.
   */
  give(chunk: Buffer): void {
    const flags = this.outFlags.get(chunk.buffer);
    if (flags === undefined) return;
    const index = Math.floor(chunk.byteOffset / this.slabBytes);
    if (flags[index] !== 1 || chunk.byteOffset + chunk.length > (index + 1) * this.slabBytes) return;
    flags[index] = 0;
    this.outCount -= 1;
    if (this.closed) return;
    this.free.push(Buffer.from(chunk.buffer, index * this.slabBytes, this.slabBytes));
    this.trimLater();
  }

  /** Free slabs waiting to be handed out again. */
  get freeCount(): number {
    return this.free.length;
  }

  /** Slabs handed out and not given back. */
  get outstanding(): number {
    return this.outCount;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.trimTimer);
    this.trimTimer = undefined;
    this.dropFree();
  }

  private dropFree(): void {
    this.free.length = 0;
    this.block = undefined;
    this.carved = 0;
  }

  private trimLater(): void {
    if (this.trimTimer !== undefined || this.closed) return;
    this.trimTimer = setTimeout(() => {
      this.trimTimer = undefined;
      const idleFor = Date.now() - this.lastTake;
      if (idleFor < this.idleMs) {
        this.trimLater();
        return;
      }
      this.dropFree();
      this.onIdle?.();
      this.collect();
    }, this.idleMs);
    this.trimTimer.unref();
  }
}
