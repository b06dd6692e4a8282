/**
 * Cuts one byte stream into consecutive parts of given sizes without copying more than the chunk
 * that straddles a boundary. Used to store a source streamed without ranges as pieces.
 */
export class ByteSplitter {
  private readonly it: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** True once the source is exhausted and nothing is buffered. */
  async done(): Promise<boolean> {
    if (this.leftover !== undefined && this.leftover.length > 0) return false;
    if (this.ended) return true;
    const r = await this.it.next();
    if (r.done === true) {
      this.ended = true;
      return true;
    }
    this.leftover = r.value;
    return r.value.length === 0 ? this.done() : false;
  }

  /** The next `size` bytes (fewer at the end of the stream). Consume it fully before calling again. */
  async *take(size: number): AsyncIterable<Buffer> {
    let remaining = size;
    while (remaining > 0) {
      let chunk: Buffer;
      if (this.leftover !== undefined) {
        chunk = this.leftover;
        this.leftover = undefined;
      } else {
        if (this.ended) return;
        const r = await this.it.next();
        if (r.done === true) {
          this.ended = true;
          return;
        }
        chunk = r.value;
      }
      if (chunk.length > remaining) {
        this.leftover = chunk.subarray(remaining);
        chunk = chunk.subarray(0, remaining);
      }
      remaining -= chunk.length;
      yield chunk;
    }
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
