import { createReadStream } from 'node:fs';
import { createDigester, formatDigest, parseDigest, verifyDigest, type Digest } from '@d7y/core';
import { DfdaemonError } from '../errors.js';
import { READ_HIGH_WATER_MARK } from '../storage/task-store.js';

// An OCI blob URL names its content: .../v2/<name>/blobs/sha256:<hex>
const BLOB_URL_RE = /\/v2\/.+\/blobs\/(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})(?:$|[?#])/;

/**
 * The digest a task must match before it counts as finished: the caller's (`--digest`), else
 * the one a blob URL names; undefined when neither. Both are checked when both are present.
 */
export function expectedTaskDigests(url: string, digest: string | undefined): Digest[] {
  const out: Digest[] = [];
  if (digest !== undefined && digest !== '') {
    try {
      out.push(parseDigest(digest));
    } catch (err) {
      throw new DfdaemonError('DF_ERR_INVALID_ARGUMENT', `invalid digest ${JSON.stringify(digest)}: ${(err as Error).message}`);
    }
  }
  const m = BLOB_URL_RE.exec(url);
  if (m !== null) out.push(parseDigest(m[1] as string));
  return out;
}

/** Reads the content file once and checks it against every expected digest. */
export async function verifyContentDigests(path: string, expected: readonly Digest[]): Promise<void> {
  if (expected.length === 0) return;
  const digesters = expected.map((d) => createDigester(d.algorithm));
  for await (const chunk of createReadStream(path, { highWaterMark: READ_HIGH_WATER_MARK })) {
    for (const d of digesters) d.update(chunk as Buffer);
  }
  expected.forEach((want, i) => {
    const got = (digesters[i] as ReturnType<typeof createDigester>).digest();
    if (!verifyDigest(want, got)) {
      throw new DfdaemonError('DF_ERR_DIGEST_MISMATCH', `content digest is ${formatDigest(got)}, expected ${formatDigest(want)}`);
    }
  });
}
