/** Splits "host:port", ":port" or "[v6]:port" into what listen() takes; an empty host means all IPv4 interfaces. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(addr);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) throw new Error(`invalid listen address ${JSON.stringify(addr)}: expected host:port, :port or [v6]:port`);
  return { host: m[1] ?? (m[2] === '' || m[2] === undefined ? '0.0.0.0' : m[2]), port };
}
