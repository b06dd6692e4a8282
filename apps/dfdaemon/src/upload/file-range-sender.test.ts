import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytesSeeded } from '../../test/fixtures/origin.js';
import { FileRangeSender } from './file-range-sender.js';

const KiB = 1024;

/** A receiver that acknowledges each write only after `delayMs`, tracking the bytes it holds unacknowledged. */
function slowReceiver(delayMs: number): { out: Writable; received: Buffer[]; maxHeld: () => number } {
  const received: Buffer[] = [];
  let held = 0;
  let max = 0;
  const out = new Writable({
    highWaterMark: 64 * 1024 * 1024, // would accept everything at once: the sender must pace itself
    write(chunk: Buffer, _enc, cb) {
      received.push(Buffer.from(chunk));
      held += chunk.length;
      max = Math.max(max, held);
      setTimeout(() => {
        held -= chunk.length;
        cb();
      }, delayMs);
    },
  });
  return { out, received, maxHeld: () => max };
}

describe('FileRangeSender', () => {
  let dir: string;
  let file: string;
  const body = randomBytesSeeded(1024 * KiB + 3, 9);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'd7y-sender-'));
    file = join(dir, 'f');
    await writeFile(file, body);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    [0, body.length - 1],
    [5, 5],
    [100, 300 * KiB],
  ])('sends exactly bytes [%i, %i] with at most two chunks unacknowledged', async (start, end) => {
    const sender = new FileRangeSender({ chunkBytes: 64 * KiB });
    const r = slowReceiver(2);
    await sender.send(file, start, end, r.out);
    expect(Buffer.concat(r.received).equals(body.subarray(start, end + 1))).toBe(true);
    expect(r.maxHeld()).toBeLessThanOrEqual(2 * 64 * KiB);
  });

  it('fails when the file is shorter than the range, and when the receiver goes away', async () => {
    const sender = new FileRangeSender({ chunkBytes: 64 * KiB });
    await expect(sender.send(file, body.length - 10, body.length + 10, slowReceiver(0).out)).rejects.toThrow(/ended/);
    const r = slowReceiver(50);
    const sending = sender.send(file, 0, body.length - 1, r.out);
    setTimeout(() => r.out.destroy(), 20);
    await expect(sending).rejects.toThrow();
  });
});
