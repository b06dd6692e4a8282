/**
 * Client addresses are gRPC targets: "host:port", "dns:///host:port", "ipv6:[::1]:4000" or
 * "unix:///var/run/dragonfly/dfdaemon.sock".
 */
export function assertAddress(address: string): void {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new TypeError('gRPC address must be a non-empty string such as "host:port" or "unix:///path"');
  }
}
