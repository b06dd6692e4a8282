import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { EgressError } from './egress-error.js';

export interface EgressTlsConfig {
  /** Accept any server certificate (chain and host name unchecked). Logged as a warning. */
  insecureSkipVerify?: boolean;
  /** Extra trusted CA certificate(s): a file path or PEM text (as upstream's `caCert`). */
  caCert?: string;
}

export interface EgressTlsOptions {
  rejectUnauthorized: boolean;
  /** Undefined → node's bundled roots. */
  ca: string[] | undefined;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads `caCert` (path or PEM text), checks that every block is a certificate, and answers the trust
 * store: node's bundled roots plus those certificates, so public registries keep working next to a
 * self-signed one.
 */
export function egressTlsOptions(config: EgressTlsConfig = {}): EgressTlsOptions {
  const extra = readCaCert(config.caCert ?? '');
  return { rejectUnauthorized: config.insecureSkipVerify !== true, ca: extra.length === 0 ? undefined : [...rootCertificates, ...extra] };
}

/** The PEM certificate blocks of `caCert` (a file path or PEM text; empty → none), each checked to parse. */
export function readCaCert(caCert: string): string[] {
  const text = caCert.trim();
  if (text === '') return [];
  let pem: string;
  if (text.includes('-----BEGIN')) pem = text;
  else {
    try {
      pem = readFileSync(text, 'utf8');
    } catch (err) {
      throw new EgressError('DF_ERR_EGRESS_CONFIG', `caCert: cannot read ${text}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new EgressError('DF_ERR_EGRESS_CONFIG', 'caCert holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----")');
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      throw new EgressError('DF_ERR_EGRESS_CONFIG', `caCert: certificate #${i + 1} does not parse: ${(err as Error).message}`, { cause: err });
    }
  }
  return blocks;
}
