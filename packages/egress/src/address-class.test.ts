import { describe, expect, it } from 'vitest';
import { classifyAddressText } from './address-class.js';
import { formatIp, parseIp } from './ip-address.js';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.10', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.192', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address are judged by it.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64 of the metadata address
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:1::1', 'private'],
    ['::127.0.0.1', 'loopback'], // deprecated IPv4-compatible
    ['::8.8.8.8', 'reserved'],
    ['2002:a9fe:a9fe::1', 'link-local'], // 6to4 of the metadata address
    ['2002:0808:0808::1', 'public'],
    ['2001:0:4136:e378:8000:63bf:5601:56fe', 'link-local'], // Teredo, client 169.254.169.1 stored inverted
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (text, kind) => {
    expect(classifyAddressText(text).kind).toBe(kind);
  });

  it('round-trips IPv6 text through bytes', () => {
    const ip = parseIp('2001:db8::8:800:200c:417a');
    expect(ip?.family).toBe(6);
    expect(formatIp(ip ?? { family: 4, bytes: new Uint8Array(4) })).toBe('2001:db8:0:0:8:800:200c:417a');
    expect(parseIp('0x7f.1')).toBeUndefined();
    expect(parseIp('2852039166')).toBeUndefined();
  });
});
