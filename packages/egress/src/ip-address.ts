import { isIP } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6 (network order). */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/**
 * Parses a canonical address as DNS resolution and sockets report it ("10.0.0.1", "::ffff:a9fe:a9fe",
 * "fe80::1%eth0"). Anything else (including inet_aton spellings like "0x7f.1") is not an IP here:
 * those only ever reach us through URL parsing, which already normalises them.
 */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const unzoned = bare.split('%')[0] ?? '';
  switch (isIP(unzoned)) {
    case 4:
      return { family: 4, bytes: Uint8Array.from(unzoned.split('.').map(Number)) };
    case 6:
      return { family: 6, bytes: parseIpv6(unzoned) };
    default:
      return undefined;
  }
}

function parseIpv6(text: string): Uint8Array {
  let head = text;
  const tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    tailV4.push(...last.split('.').map(Number));
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return Array.from(ip.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** True when the first `prefixLength` bits of `ip` equal those of `network` (same family). */
export function inPrefix(ip: IpAddress, network: IpAddress, prefixLength: number): boolean {
  if (ip.family !== network.family) return false;
  const full = Math.floor(prefixLength / 8);
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== network.bytes[i]) return false;
  const rest = prefixLength % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[full] ?? 0) & mask) === ((network.bytes[full] ?? 0) & mask);
}
