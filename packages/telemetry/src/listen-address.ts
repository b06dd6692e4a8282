import { isIP } from 'node:net';

/** Splits "host:port" / "[v6]:port" into parts; throws a clear message on anything else. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (m === null || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new Error(`expected an address as host:port or [ipv6]:port, got "${addr}"`);
  }
  if (host !== '' && host !== 'localhost' && isIP(host) === 0) {
    throw new Error(`expected an IP address (or localhost) in "${addr}"`);
  }
  return { host: host === '' ? '0.0.0.0' : host, port };
}
