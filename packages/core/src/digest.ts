import { createHash, timingSafeEqual, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { assertNever } from './assert-never.js';

export type DigestAlgorithm = 'sha256' | 'sha512' | 'crc32';

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze(['sha256', 'sha512', 'crc32']);

/** `encoded` is lower-case hex for sha256/sha512 and the unpadded decimal u32 for crc32 (upstream piece digests). */
export interface Digest {
  algorithm: DigestAlgorithm;
  encoded: string;
}

export interface Digester {
  update(data: Uint8Array | string): Digester;
  digest(): Digest;
}

export class InvalidDigestError extends Error {
  constructor(text: unknown, reason: string) {
    const shown = typeof text === 'string' ? JSON.stringify(text.length > 140 ? `${text.slice(0, 140)}…` : text) : `(${typeof text})`;
    super(`invalid digest ${shown}: ${reason}`);
    this.name = 'InvalidDigestError';
  }
}

const HEX_64 = /^[0-9a-f]{64}$/;
const HEX_128 = /^[0-9a-f]{128}$/;
// Canonical decimal: no sign, no leading zeros (except "0"), at most 10 digits, checked ≤ 2^32-1 below.
// (Upstream's parser demands exactly 10 characters, which rejects its own output for small CRCs.)
const DECIMAL_U32 = /^(0|[1-9][0-9]{0,9})$/;
const MAX_U32 = 0xffff_ffff;

/** Parses `sha256:<64 hex>`, `sha512:<128 hex>` or `crc32:<decimal u32>`; hex must be lower case. */
export function parseDigest(text: string): Digest {
  if (typeof text !== 'string') throw new InvalidDigestError(text, 'expected a string');
  const colon = text.indexOf(':');
  if (colon < 0) throw new InvalidDigestError(text, 'expected "<algorithm>:<encoded>"');
  const algorithm = text.slice(0, colon);
  const encoded = text.slice(colon + 1);
  switch (algorithm) {
    case 'sha256':
      if (!HEX_64.test(encoded)) throw new InvalidDigestError(text, 'sha256 needs 64 lower-case hex characters');
      return { algorithm, encoded };
    case 'sha512':
      if (!HEX_128.test(encoded)) throw new InvalidDigestError(text, 'sha512 needs 128 lower-case hex characters');
      return { algorithm, encoded };
    case 'crc32':
      if (!DECIMAL_U32.test(encoded) || Number(encoded) > MAX_U32) {
        throw new InvalidDigestError(text, 'crc32 needs a decimal number from 0 to 4294967295');
      }
      return { algorithm, encoded };
    default:
      throw new InvalidDigestError(text, `unsupported algorithm ${JSON.stringify(algorithm.slice(0, 20))} (expected sha256, sha512 or crc32)`);
  }
}

export function formatDigest(digest: Digest): string {
  return `${digest.algorithm}:${digest.encoded}`;
}

export function isDigestAlgorithm(value: unknown): value is DigestAlgorithm {
  return value === 'sha256' || value === 'sha512' || value === 'crc32';
}

/** Incremental digest; crc32 is CRC-32/IEEE (same as crc32fast), chained through zlib.crc32's seed. */
export function createDigester(algorithm: DigestAlgorithm): Digester {
  switch (algorithm) {
    case 'sha256':
    case 'sha512':
      return hashDigester(algorithm, createHash(algorithm));
    case 'crc32':
      return crcDigester();
    default:
      return assertNever(algorithm, `unsupported digest algorithm ${JSON.stringify(String(algorithm))}`);
  }
}

export function digestOf(algorithm: DigestAlgorithm, data: Uint8Array | string): Digest {
  return createDigester(algorithm).update(data).digest();
}

/** True when both digests use the same algorithm and value; constant-time on the value. */
export function verifyDigest(expected: Digest, actual: Digest): boolean {
  if (expected.algorithm !== actual.algorithm) return false;
  const a = Buffer.from(expected.encoded, 'utf8');
  const b = Buffer.from(actual.encoded, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function hashDigester(algorithm: 'sha256' | 'sha512', hash: Hash): Digester {
  let done = false;
  const self: Digester = {
    update(data) {
      if (done) throw new Error('digest() was already called');
      hash.update(data);
      return self;
    },
    digest() {
      if (done) throw new Error('digest() was already called');
      done = true;
      return { algorithm, encoded: hash.digest('hex') };
    },
  };
  return self;
}

function crcDigester(): Digester {
  let value = 0;
  let done = false;
  const self: Digester = {
    update(data) {
      if (done) throw new Error('digest() was already called');
      value = crc32(data, value);
      return self;
    },
    digest() {
      if (done) throw new Error('digest() was already called');
      done = true;
      return { algorithm: 'crc32', encoded: String(value >>> 0) };
    },
  };
  return self;
}
