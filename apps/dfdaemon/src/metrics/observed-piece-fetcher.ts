import { PieceFetcher, type ParentAddress, type PieceBody, type PieceFetcherDeps } from '../download/piece-fetcher.js';
import type { DfdaemonMetrics } from './dfdaemon-metrics.js';

/** PieceFetcher counting the parent fetches that fail (before or during the body). */
export class ObservedPieceFetcher extends PieceFetcher {
  private readonly metrics: DfdaemonMetrics;

  constructor(deps: PieceFetcherDeps & { metrics: DfdaemonMetrics }) {
    super(deps);
    this.metrics = deps.metrics;
  }

  override async fetch(parent: ParentAddress, taskId: string, number: number, signal?: AbortSignal): Promise<PieceBody> {
    let piece: PieceBody;
    try {
      piece = await super.fetch(parent, taskId, number, signal);
    } catch (err) {
      if (signal?.aborted !== true) this.metrics.downloadPieces.inc({ type: 'remote_peer', result: 'failure' });
      throw err;
    }
    const failed = (): void => {
      if (signal?.aborted !== true) this.metrics.downloadPieces.inc({ type: 'remote_peer', result: 'failure' });
    };
    return { ...piece, body: countFailure(piece.body, failed) };
  }
}

async function* countFailure(body: AsyncIterable<Buffer>, failed: () => void): AsyncIterable<Buffer> {
  try {
    yield* body;
  } catch (err) {
    failed();
    throw err;
  }
}
