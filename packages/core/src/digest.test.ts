import { describe, expect, it } from 'vitest';
import { createDigester, digestOf, formatDigest, parseDigest, verifyDigest, type DigestAlgorithm } from './digest.js';

// Values from upstream's Rust tests for the bytes "test content".
const SHA256 = '6ae8a75555209fd6c44157c0aed8016e763ff435a19cf186f76863140143ff72';
const SHA512 = '0cbf4caef38047bba9a24e621a961484e5d2a92176a859e7eb27df343dd34eb98d538a6c5f4da1ce302ec250b821cc001e46cc97a704988297185a4df7e99602';
const CRC32 = '1475635037';

describe('digestOf / createDigester', () => {
  it.each([
    ['sha256', SHA256], ['sha512', SHA512], ['crc32', CRC32],
  ] as Array<[DigestAlgorithm, string]>)('%s of "test content" = upstream value', (algorithm, encoded) => {
    expect(digestOf(algorithm, Buffer.from('test content'))).toEqual({ algorithm, encoded });
  });

  it.each(['sha256', 'sha512', 'crc32'] as DigestAlgorithm[])('%s is the same fed in chunks', (algorithm) => {
    const data = Buffer.from('x'.repeat(1000) + 'test content'.repeat(77));
    const d = createDigester(algorithm);
    for (let i = 0; i < data.length; i += 37) d.update(data.subarray(i, i + 37));
    expect(d.digest()).toEqual(digestOf(algorithm, data));
  });

  it('formats crc32 as unpadded decimal (CRC-32/IEEE check value 0xCBF43926)', () => {
    expect(digestOf('crc32', '123456789').encoded).toBe(String(0xcbf43926));
    expect(digestOf('crc32', '').encoded).toBe('0');
  });

  it('refuses reuse after digest()', () => {
    const d = createDigester('crc32').update('a');
    d.digest();
    expect(() => d.update('b')).toThrow(/already/);
    expect(() => createDigester('sha256').update('a').digest() && undefined).not.toThrow();
  });

  it('refuses an unknown algorithm', () => {
    expect(() => createDigester('md5' as DigestAlgorithm)).toThrow(/unsupported digest algorithm/);
  });
});

describe('parseDigest / formatDigest', () => {
  it.each([
    [`sha256:${SHA256}`, 'sha256', SHA256],
    [`sha512:${SHA512}`, 'sha512', SHA512],
    [`crc32:${CRC32}`, 'crc32', CRC32],
    ['crc32:0', 'crc32', '0'],
    ['crc32:42', 'crc32', '42'],
    ['crc32:4294967295', 'crc32', '4294967295'],
  ])('%s', (text, algorithm, encoded) => {
    const d = parseDigest(text);
    expect(d).toEqual({ algorithm, encoded });
    expect(formatDigest(d)).toBe(text);
  });

  it.each([
    ['empty', ''],
    ['no colon', SHA256],
    ['unknown algorithm', `md5:${'0'.repeat(32)}`],
    ['upper-case algorithm', `SHA256:${SHA256}`],
    ['upper-case hex', `sha256:${SHA256.toUpperCase()}`],
    ['short sha256', `sha256:${SHA256.slice(1)}`],
    ['long sha256', `sha256:${SHA256}0`],
    ['sha512 length for sha256', `sha256:${SHA512}`],
    ['short sha512', `sha512:${SHA256}`],
    ['non-hex', `sha256:${'g'.repeat(64)}`],
    ['space', `sha256: ${SHA256.slice(1)}`],
    ['crc32 too big', 'crc32:4294967296'],
    ['crc32 leading zero', 'crc32:0042'],
    ['crc32 negative', 'crc32:-1'],
    ['crc32 hex', 'crc32:cbf43926'],
    ['crc32 empty', 'crc32:'],
    ['crc32 11 digits', 'crc32:12345678901'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseDigest(text)).toThrow(/invalid digest/);
  });
});

describe('verifyDigest', () => {
  it.each([
    [{ algorithm: 'sha256', encoded: SHA256 }, { algorithm: 'sha256', encoded: SHA256 }, true],
    [{ algorithm: 'sha256', encoded: SHA256 }, { algorithm: 'sha256', encoded: SHA256.replace(/^6/, '7') }, false],
    [{ algorithm: 'crc32', encoded: CRC32 }, { algorithm: 'crc32', encoded: CRC32 }, true],
    [{ algorithm: 'crc32', encoded: '1' }, { algorithm: 'crc32', encoded: '10' }, false],
    [{ algorithm: 'crc32', encoded: CRC32 }, { algorithm: 'sha256', encoded: CRC32 }, false],
  ] as const)('%j vs %j → %s', (a, b, expected) => {
    expect(verifyDigest(a, b)).toBe(expected);
  });

  it('verifies computed content', () => {
    const data = Buffer.from('piece bytes');
    expect(verifyDigest(parseDigest(formatDigest(digestOf('crc32', data))), digestOf('crc32', data))).toBe(true);
    expect(verifyDigest(digestOf('crc32', data), digestOf('crc32', Buffer.from('piece bytez')))).toBe(false);
  });
});
