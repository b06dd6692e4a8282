/**
 * Running statistics of the piece download costs (milliseconds) a peer reported, in O(1) memory:
 * upstream keeps the last 2000 samples per peer; 10,000 peers × 2000 doubles would be 160 MB, so we
 * keep Welford's running mean and variance of the samples before the last one, and the last one.
 */
export class PieceCosts {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private lastCost: number | undefined;

  /** Samples recorded. */
  get count(): number {
    return this.lastCost === undefined ? 0 : this.n + 1;
  }

  get last(): number | undefined {
    return this.lastCost;
  }

  /** Mean of the samples before the last one (milliseconds). */
  get previousMean(): number {
    return this.n === 0 ? 0 : this.mean;
  }

  /** Population standard deviation of the samples before the last one (milliseconds). */
  get previousStdDev(): number {
    return this.n === 0 ? 0 : Math.sqrt(this.m2 / this.n);
  }

  add(costMs: number): void {
    if (!Number.isFinite(costMs) || costMs < 0) return;
    if (this.lastCost !== undefined) {
      this.n += 1;
      const delta = this.lastCost - this.mean;
      this.mean += delta / this.n;
      this.m2 += delta * (this.lastCost - this.mean);
    }
    this.lastCost = costMs;
  }
}
