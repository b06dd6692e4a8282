import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { garbageCollector } from './collect-garbage.js';
import { isAlignedSlab, SlabPool } from './slab-pool.js';

const MiB = 1024 * 1024;

describe('SlabPool', () => {
  it('carves slabs from 32 MiB blocks and hands a given-back slab out again before carving', () => {
    const pool = new SlabPool({ slabBytes: 2 * MiB, collect: () => undefined });
    const slabs = Array.from({ length: 17 }, () => pool.take());
    for (const s of slabs) expect(s.length).toBe(2 * MiB);
    // 16 slabs share the first block, the 17th starts a second one
    expect(new Set(slabs.slice(0, 16).map((s) => s.buffer)).size).toBe(1);
    expect(slabs[16]?.buffer).not.toBe(slabs[0]?.buffer);
    expect(new Set(slabs.slice(0, 16).map((s) => s.byteOffset)).size).toBe(16);

    const third = slabs[2] as Buffer;
    pool.give(third.subarray(100, 5000)); // any view inside the slab gives it back
    expect(pool.freeCount).toBe(1);
    const again = pool.take();
    expect(again.buffer).toBe(third.buffer);
    expect(again.byteOffset).toBe(third.byteOffset);
    expect(again.length).toBe(2 * MiB);
    pool.close();
  });

  it('ignores a slab given back twice, views that are not its, and foreign buffers', () => {
    const pool = new SlabPool({ slabBytes: 64 * 1024, collect: () => undefined });
    const a = pool.take();
    const b = pool.take();
    pool.give(a);
    pool.give(a.subarray(10)); // already back
    expect(pool.freeCount).toBe(1);
    pool.give(Buffer.alloc(64 * 1024)); // not from the pool
    pool.give(Buffer.from(b.buffer, b.byteOffset - 10, 20)); // straddles two slabs
    expect(pool.freeCount).toBe(1);
    pool.give(b);
    expect(pool.freeCount).toBe(2);
    // two takes, two distinct slabs: the doubled give did not put one slab in the list twice
    const x = pool.take();
    const y = pool.take();
    expect(x.byteOffset).not.toBe(y.byteOffset);
    pool.close();
  });

  it('lets the free slabs go after the idle time, tells its owner, then asks for a collection', async () => {
    const calls: string[] = [];
    const pool = new SlabPool({ slabBytes: 1024, idleMs: 30, onIdle: () => calls.push('idle'), collect: () => calls.push('collect') });
    const held = pool.take();
    pool.give(pool.take());
    expect(pool.freeCount).toBe(1);
    await sleep(120);
    expect(calls).toEqual(['idle', 'collect']);
    expect(pool.freeCount).toBe(0);
    // a slab that was out while the pool went idle is still taken back and reused
    pool.give(held);
    expect(pool.freeCount).toBe(1);
    expect(pool.take().byteOffset).toBe(held.byteOffset);
    pool.close();
  });

  it('rejects a slab size it cannot carve', () => {
    expect(() => new SlabPool({ slabBytes: 0 })).toThrow(/slabBytes/);
    expect(() => new SlabPool({ slabBytes: 1.5 })).toThrow(/slabBytes/);
    expect(() => new SlabPool({ slabBytes: 64 * MiB })).toThrow(/slabBytes/);
  });

  it('a shared pool hands out page-aligned shared memory, which O_DIRECT writes take', () => {
    const pool = new SlabPool({ slabBytes: 2 * MiB, shared: true, collect: () => undefined });
    const slabs = [pool.take(), pool.take()];
    for (const slab of slabs) {
      expect(slab.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(isAlignedSlab(slab)).toBe(true);
    }
    const slab = slabs[1] as Buffer;
    expect(isAlignedSlab(slab.subarray(4096, 3 * 4096))).toBe(true);
    expect(isAlignedSlab(slab.subarray(16))).toBe(false); // address
    expect(isAlignedSlab(slab.subarray(0, 4096 + 100))).toBe(false); // length
    expect(isAlignedSlab(slab.subarray(0, 0))).toBe(false);
    // only a shared pool's memory counts: a SharedArrayBuffer of malloc's, or a plain pool's slab, does not
    expect(isAlignedSlab(Buffer.from(new SharedArrayBuffer(2 * MiB)))).toBe(false);
    const plain = new SlabPool({ slabBytes: 2 * MiB, collect: () => undefined });
    expect(isAlignedSlab(plain.take())).toBe(false);
    plain.close();

    const dir = mkdtempSync(join(tmpdir(), 'd7y-slab-'));
    let fd: number | undefined;
    try {
      try {
        fd = openSync(join(dir, 'f'), constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT, 0o600);
      } catch {
        return; // this filesystem has no O_DIRECT: nothing more to check here
      }
      for (let i = 0; i < slab.length; i += 4096) slab.writeUInt32LE(i, i);
      expect(writeSync(fd, slab, 0, slab.length, 4096)).toBe(slab.length);
      closeSync(fd);
      fd = undefined;
      expect(readFileSync(join(dir, 'f')).subarray(4096).equals(slab)).toBe(true);
    } finally {
      if (fd !== undefined) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
      pool.close();
    }
  });

  it('falls back to plain memory (not aligned) where shared memory cannot be mapped', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: unknown } }).WebAssembly;
    const real = wasm.Memory;
    // What V8 throws under an address-space ulimit (`ulimit -v 4000000`): it reserves ~10 GiB per memory.
    wasm.Memory = function refused(): never {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    };
    try {
      const pool = new SlabPool({ slabBytes: 2 * MiB, shared: true, collect: () => undefined });
      const slab = pool.take();
      expect(slab.length).toBe(2 * MiB);
      expect(slab.buffer).toBeInstanceOf(ArrayBuffer);
      expect(isAlignedSlab(slab)).toBe(false);
      pool.give(slab);
      expect(pool.freeCount).toBe(1);
      pool.close();
    } finally {
      wasm.Memory = real;
    }
  });

  it.each([false, true])('gives the memory of idle slabs back to the operating system (shared: %s)', async (shared) => {
    const rss = (): number => process.memoryUsage().rss / MiB;
    const pool = new SlabPool({ slabBytes: 2 * MiB, idleMs: 50, collect: garbageCollector({ minIntervalMs: 0 }), shared });
    // Interleave small live allocations, as a daemon's heap has: freed memory below them is what
    // would stay resident if the slabs were ordinary buffers.
    const live: Buffer[] = [];
    const round = (): void => {
      const slabs: Buffer[] = [];
      for (let i = 0; i < 48; i++) {
        slabs.push(pool.take().fill(i + 1));
        live.push(Buffer.alloc(64 * 1024, 1));
      }
      for (const s of slabs) pool.give(s);
    };
    round();
    const full = rss();
    await sleep(600); // idle time, then the collection 100 ms later
    const after = rss();
    expect(full - after).toBeGreaterThan(80); // of 96 MiB written
    round(); // and again, once the heap has had its small allocations spread
    const full2 = rss();
    await sleep(600);
    expect(full2 - rss()).toBeGreaterThan(80);
    expect(live.length).toBe(96);
    pool.close();
  });
});
