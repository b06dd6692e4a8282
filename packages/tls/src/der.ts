// Just enough DER (ITU-T X.690) to build and read X.509 certificates: building the
// to-be-signed structure ourselves and signing it with node's crypto is ~20x faster than a
// pure-JS certificate library, and reading it back gives exact SANs and validity.

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(TAG.set, Buffer.concat(items));
}

/** Context-specific constructed tag `[n] EXPLICIT`. */
export function explicit(n: number, content: Buffer): Buffer {
  return tlv(0xa0 | n, content);
}

/** Context-specific primitive tag `[n] IMPLICIT` (GeneralName choices, key identifiers). */
export function implicit(n: number, content: Buffer): Buffer {
  return tlv(0x80 | n, content);
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length === 0) body = Buffer.from([0]);
  if ((body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(TAG.integer, body);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`integer out of range: ${value}`);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return unsignedInteger(bytes);
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

export function nullValue(): Buffer {
  return Buffer.from([TAG.null, 0]);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((part) => Number.parseInt(part, 10));
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) throw new Error(`bad OID ${dotted}`);
  // first byte = 40 * arc0 + arc1, then base-128 big-endian with continuation bits
  const out: number[] = [];
  const encodeArc = (arc: number): void => {
    const chunk: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    out.push(...chunk);
  };
  encodeArc(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) encodeArc(arc);
  return tlv(TAG.oid, Buffer.from(out));
}

export function octetString(content: Buffer): Buffer {
  return tlv(TAG.octetString, content);
}

/** BIT STRING whose bits are all significant (signatures, public keys). */
export function bitString(content: Buffer): Buffer {
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([0]), content]));
}

/** BIT STRING of named bits (KeyUsage): DER drops trailing zero bits, counted in the first byte. */
export function namedBits(bits: readonly number[]): Buffer {
  const maxBit = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(maxBit / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (maxBit & 7);
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unused]), bytes]));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, 'utf8'));
}

export function ia5(text: string): Buffer {
  return Buffer.from(text, 'ascii');
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, always Z. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.utcTime, Buffer.from(`${digits.slice(2)}Z`, 'ascii'));
  return tlv(TAG.generalizedTime, Buffer.from(`${digits}Z`, 'ascii'));
}

// ---- reading ---------------------------------------------------------------------------

export interface DerNode {
  tag: number;
  /** Offset of the tag byte in the buffer. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  buffer: Buffer;
}

export function readNode(buffer: Buffer, offset = 0): DerNode {
  if (offset + 2 > buffer.length) throw new Error('DER: truncated');
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let length = buffer[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > buffer.length) throw new Error('DER: length beyond end of data');
  return { tag, start: offset, contentStart, end, buffer };
}

export function content(node: DerNode): Buffer {
  return node.buffer.subarray(node.contentStart, node.end);
}

export function raw(node: DerNode): Buffer {
  return node.buffer.subarray(node.start, node.end);
}

export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let offset = node.contentStart; offset < node.end; ) {
    const child = readNode(node.buffer, offset);
    if (child.end > node.end) throw new Error('DER: child overruns parent');
    out.push(child);
    offset = child.end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new Error(`DER: expected ${what}`);
  return node;
}

export function decodeOid(node: DerNode): string {
  const bytes = content(node);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(Math.floor(value / 40), 2);
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

export function decodeTime(node: DerNode): Date {
  const text = content(node).toString('ascii');
  const match =
    node.tag === TAG.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new Error(`DER: bad time ${text}`);
  let year = Number(match[1]);
  if (node.tag === TAG.utcTime) year += year >= 50 ? 1900 : 2000;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])));
}
