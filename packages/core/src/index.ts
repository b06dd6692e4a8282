export { assertNever } from './assert-never.js';
export { InvalidIdError } from './invalid-id-error.js';
export { hostId, isHostId, assertHostId, SEED_SUFFIX } from './host-id.js';
export { peerId, isPeerId, assertPeerId } from './peer-id.js';
export { taskId, canonicalTaskUrl, blobDigestTaskId, isTaskId, assertTaskId, DEFAULT_FILTERED_QUERY_PARAMS } from './task-id.js';
export type { TaskIdOptions } from './task-id.js';
export {
  MIN_PIECE_LENGTH, MAX_PIECE_LENGTH, pieceLength, assertPieceLength, pieceCount, pieceRange, piecesForRange,
} from './piece-layout.js';
export type { PieceRange } from './piece-layout.js';
export {
  parseDigest, formatDigest, createDigester, digestOf, verifyDigest, isDigestAlgorithm, InvalidDigestError, DIGEST_ALGORITHMS,
} from './digest.js';
export type { Digest, DigestAlgorithm, Digester } from './digest.js';
export { ConsistentHash, ringHash, DEFAULT_VIRTUAL_NODES } from './consistent-hash.js';
export type { ConsistentHashOptions } from './consistent-hash.js';
export { TokenBucket } from './token-bucket.js';
export type { TokenBucketDeps, TokenBucketTimers } from './token-bucket.js';
export { syncDir, writeFileAtomic } from './atomic-file.js';
export { stopOnSignals } from './stop-on-signals.js';
export type { StopLog, StopOnSignalsDeps } from './stop-on-signals.js';
