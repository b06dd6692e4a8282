import { lookup as dnsLookup } from 'node:dns/promises';
import { buildConnector } from 'undici';
import { EgressError, isEgressError } from './egress-error.js';
import type { EgressPolicy } from './egress-policy.js';
import type { EgressTlsOptions } from './egress-tls.js';
import { formatIp, parseIp } from './ip-address.js';
import type { IpAddress } from './ip-address.js';

/** Host name → addresses, as `dns.lookup(host, { all: true })` answers. Tests inject their own resolver. */
export type LookupFn = (hostname: string) => Promise<readonly { address: string }[]>;

export const systemLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves `host` (an IP literal resolves to itself) and answers the first address the policy admits,
 * or throws DF_ERR_EGRESS_ADDRESS_REFUSED naming why the first refused address was refused.
 */
export async function resolveAllowed(host: string, policy: EgressPolicy, lookup: LookupFn, timeoutMs: number): Promise<IpAddress> {
  const literal = parseIp(host);
  let candidates: IpAddress[];
  if (literal !== undefined) candidates = [literal];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answers = await Promise.race([
        lookup(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new EgressError('DF_ERR_EGRESS_TIMEOUT', `resolving ${host} took longer than ${timeoutMs} ms`)), timeoutMs);
          timer.unref();
        }),
      ]);
      candidates = answers.map((a) => parseIp(a.address)).filter((a): a is IpAddress => a !== undefined);
    } catch (err) {
      if (isEgressError(err)) throw err;
      throw new EgressError('DF_ERR_EGRESS_DNS', `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }
  if (candidates.length === 0) throw new EgressError('DF_ERR_EGRESS_DNS', `${host} has no address`);
  let firstRefusal: string | undefined;
  for (const ip of candidates) {
    const decision = policy.check(host, ip);
    if (decision.allowed) return ip;
    firstRefusal ??= decision.reason;
  }
  throw new EgressError('DF_ERR_EGRESS_ADDRESS_REFUSED', `refused: ${firstRefusal ?? host}`);
}

// Node's certificate verification error codes (OpenSSL X509_V_ERR_* names and node's own).
const CERT_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH/;

/** A TLS verification failure becomes DF_ERR_EGRESS_TLS whose message names the certificate problem. */
export function describeConnectError(err: unknown, host: string): EgressError {
  if (isEgressError(err)) return err;
  const e = err as NodeJS.ErrnoException;
  const code = typeof e.code === 'string' ? e.code : '';
  if (CERT_ERROR.test(code)) {
    return new EgressError('DF_ERR_EGRESS_TLS', `TLS certificate of ${host} not accepted: ${e.message} (${code})`, { cause: err });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new EgressError('DF_ERR_EGRESS_TIMEOUT', `connecting to ${host} timed out`, { cause: err });
  return new EgressError('DF_ERR_EGRESS_CONNECT', `cannot connect to ${host}: ${code === '' ? e.message : code}`, { cause: err });
}

/**
 * An undici connector that resolves the host itself, lets the policy judge every address, connects
 * to the admitted address (TLS still verifies the URL's host name through SNI/servername), and judges
 * the socket's remote address once more before handing it over. Runs for every new connection,
 * hence for every redirect hop to a new origin.
 */
export function guardedConnector(deps: { policy: EgressPolicy; tls: EgressTlsOptions; lookup?: LookupFn; connectTimeoutMs: number }): buildConnector.connector {
  const { policy } = deps;
  const lookup = deps.lookup ?? systemLookup;
  const base = buildConnector({
    timeout: deps.connectTimeoutMs,
    rejectUnauthorized: deps.tls.rejectUnauthorized,
    ...(deps.tls.ca === undefined ? {} : { ca: deps.tls.ca }),
  });
  return (options, callback) => {
    const host = options.hostname;
    resolveAllowed(host, policy, lookup, deps.connectTimeoutMs).then(
      (ip) => {
        // Only the dialled address changes: undici derives SNI and the name TLS verifies from
        // `options.host` (the URL's host), so certificates are still checked against the host name.
        base({ ...options, hostname: formatIp(ip) }, (err, socket) => {
          if (err !== null || socket === null) {
            callback(describeConnectError(err, host), null);
            return;
          }
          const remote = socket.remoteAddress === undefined ? undefined : parseIp(socket.remoteAddress);
          const decision = remote === undefined ? undefined : policy.check(host, remote);
          if (decision === undefined || !decision.allowed) {
            socket.destroy();
            callback(new EgressError('DF_ERR_EGRESS_ADDRESS_REFUSED', `refused: ${decision?.reason ?? `${host}: connected socket has no remote address`}`), null);
            return;
          }
          callback(null, socket);
        });
      },
      (err: unknown) => callback(describeConnectError(err, host), null),
    );
  };
}
