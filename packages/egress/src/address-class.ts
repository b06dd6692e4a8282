import { inPrefix, parseIp } from './ip-address.js';
import type { IpAddress } from './ip-address.js';

/**
 * What kind of destination an address is. Only `public` is reachable by default; the allow-list may
 * admit loopback, private, link-local and reserved; `unspecified`, `multicast` and `broadcast` are
 * never reachable (no registry or file server lives there; 0.0.0.0 reaches the local host on Linux).
 */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved' | 'unspecified' | 'multicast' | 'broadcast';

export interface AddressClass {
  kind: AddressKind;
  /** The IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, Teredo, compatible), if any. */
  embeddedV4?: IpAddress;
}

interface Range {
  network: IpAddress;
  prefix: number;
  kind: AddressKind;
}

function range(cidr: string, kind: AddressKind): Range {
  const [addr = '', prefix = ''] = cidr.split('/');
  const network = parseIp(addr);
  if (network === undefined) throw new Error(`bad built-in range ${cidr}`);
  return { network, prefix: Number(prefix), kind };
}

// IANA special-purpose registries (RFC 6890 and updates). First match wins, so narrower ranges come first.
const V4_RANGES: readonly Range[] = [
  range('255.255.255.255/32', 'broadcast'),
  range('0.0.0.0/8', 'unspecified'), // "this network": connecting to it reaches the local host
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'private'), // carrier-grade NAT, shared address space
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'), // includes the cloud metadata address 169.254.169.254
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'reserved'), // IETF protocol assignments (192.0.0.192 is a metadata address on some clouds)
  range('192.0.2.0/24', 'reserved'), // TEST-NET-1
  range('192.88.99.0/24', 'reserved'), // 6to4 relay anycast
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'reserved'), // benchmarking
  range('198.51.100.0/24', 'reserved'), // TEST-NET-2
  range('203.0.113.0/24', 'reserved'), // TEST-NET-3
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const V6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'private'), // local-use NAT64 (RFC 8215)
  range('100::/64', 'reserved'), // discard-only
  range('2001:db8::/32', 'reserved'), // documentation
  range('fc00::/7', 'private'), // unique local (fd00:ec2::254 is a metadata address)
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'private'), // deprecated site-local
  range('ff00::/8', 'multicast'),
];

const MAPPED = range('::ffff:0:0/96', 'reserved');
const NAT64 = range('64:ff9b::/96', 'reserved');
const COMPATIBLE = range('::/96', 'reserved');
const SIX_TO_FOUR = range('2002::/16', 'reserved');
const TEREDO = range('2001::/32', 'reserved');

const within = (ip: IpAddress, r: Range): boolean => inPrefix(ip, r.network, r.prefix);

function v4At(bytes: Uint8Array, offset: number, invert = false): IpAddress {
  const b = bytes.slice(offset, offset + 4);
  return { family: 4, bytes: invert ? b.map((x) => x ^ 0xff) : b };
}

/** Classifies an address; IPv6 forms that carry an IPv4 address are judged by that IPv4 address. */
export function classifyAddress(ip: IpAddress): AddressClass {
  if (ip.family === 4) return { kind: V4_RANGES.find((r) => within(ip, r))?.kind ?? 'public' };
  const direct = V6_RANGES.find((r) => within(ip, r));
  if (direct !== undefined) return { kind: direct.kind };
  let embedded: IpAddress | undefined;
  let tunnelKindIfPublic: AddressKind = 'public';
  if (within(ip, MAPPED) || within(ip, NAT64)) embedded = v4At(ip.bytes, 12);
  else if (within(ip, COMPATIBLE)) {
    embedded = v4At(ip.bytes, 12);
    tunnelKindIfPublic = 'reserved'; // deprecated form, nothing legitimate uses it
  } else if (within(ip, SIX_TO_FOUR)) embedded = v4At(ip.bytes, 2);
  else if (within(ip, TEREDO)) embedded = v4At(ip.bytes, 12, true); // client address is stored inverted
  if (embedded === undefined) return { kind: 'public' };
  const inner = classifyAddress(embedded).kind;
  return { kind: inner === 'public' ? tunnelKindIfPublic : inner, embeddedV4: embedded };
}

/** Convenience for text input; an unparsable address is `reserved` (never reachable by default). */
export function classifyAddressText(text: string): AddressClass {
  const ip = parseIp(text);
  return ip === undefined ? { kind: 'reserved' } : classifyAddress(ip);
}
