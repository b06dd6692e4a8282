import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_CA_VALIDITY_DAYS } from '../create-ca.js';
import { CERTIFICATE_USAGES, CertificateIssuer, DEFAULT_LEAF_VALIDITY_DAYS, isDnsName, type CertificateUsage } from '../issue-certificate.js';
import { NAME_PATTERN, SERVICE_ROLES, isServiceRole } from '../service-role.js';
import { writeTlsDir } from '../write-tls-dir.js';
import { DfcertError, readCaBundle } from './cert-dir.js';
import { parseDurationMs } from './duration.js';
import { initCertDir } from './init-cert-dir.js';
import { inspectCertDir, inspectFile, type InspectResult } from './inspect-certs.js';
import { renewCertDir } from './renew-cert-dir.js';

export interface DfcertIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
  /** Stops `renew --watch` (SIGINT/SIGTERM in the real binary). */
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

const HELP = `dfcert: certificates for Dragonfly's mutual TLS (a CA, one certificate per service)

Usage: dfcert <command> [options]

Commands:
  init      make a CA and certificates for manager, scheduler, dfdaemon and an operator client
  issue     issue one more certificate (another host) from the CA
  renew     renew certificates past 2/3 of their validity; rotate the CA the same way
  inspect   show subjects, SANs, roles and expiry, and check keys and chains

Run \`dfcert <command> --help\` for the options of a command.
Exit status: 0 success, 1 failure (or problems found by inspect), 2 bad usage.
`;

const COMMAND_HELP: Record<string, string> = {
  init: `Usage: dfcert init --dir DIR [options]

Writes DIR/ca.crt, DIR/ca.key (0600) and DIR/<service>/{ca.crt,tls.crt,tls.key} for
manager, scheduler, dfdaemon (dual-use: server and client) and client (operator, client-only).

  --dir DIR        target directory (created 0700)                       [required]
  --hosts LIST     DNS names for the service certificates, comma-separated [localhost]
  --ips LIST       IP addresses for the service certificates              [127.0.0.1,::1]
  --days N         validity of service certificates in days               [${DEFAULT_LEAF_VALIDITY_DAYS}]
  --ca-days N      validity of the CA in days                             [${DEFAULT_CA_VALIDITY_DAYS}]
  --ca-name NAME   common name of the CA                                  [Dragonfly CA]
  --force          replace an existing CA and certificates
`,
  issue: `Usage: dfcert issue --dir DIR --name NAME --role ROLE [options]

Issues DIR/NAME/{ca.crt,tls.crt,tls.key} from the CA in DIR.

  --dir DIR        directory made by \`dfcert init\`                        [required]
  --name NAME      sub-directory and default common name                  [required]
  --role ROLE      ${SERVICE_ROLES.join(' | ')}                  [required]
  --usage USAGE    ${CERTIFICATE_USAGES.join(' | ')}            [dual; client for role client]
  --cn NAME        common name (the identity's hostname)                  [NAME]
  --hosts LIST     DNS names, comma-separated                             [localhost; none for role client]
  --ips LIST       IP addresses, comma-separated                          [127.0.0.1,::1; none for role client]
  --days N         validity in days                                       [${DEFAULT_LEAF_VALIDITY_DAYS}]
  --force          replace an existing certificate
`,
  renew: `Usage: dfcert renew --dir DIR [options]

Renews each certificate once 2/3 of its validity has passed, keeping its names, role and usage.
The CA rotates the same way: the new CA goes into every ca.crt next to the old one (bundle
new + old) first; after --grace the certificates are re-issued by the new CA. Files are replaced
atomically, so services that reload certificates pick them up without a restart.

  --dir DIR        directory made by \`dfcert init\`                        [required]
  --watch          keep running and renew when due (stop with SIGINT/SIGTERM)
  --interval DUR   with --watch, the longest time between checks            [1h]
  --grace DUR      after a CA rotation, time for services to load the bundle [10s]
  --rotate-ca      rotate the CA now
  --force          renew every certificate now
  --days N         validity of renewed certificates            [their current validity]
  --ca-days N      validity of a new CA                        [the current CA's validity]
`,
  inspect: `Usage: dfcert inspect (--dir DIR | FILE...)

Prints subject, issuer, serial, validity, role, usage and SANs of every certificate, and checks
that each tls.key matches its tls.crt (and is 0600) and that tls.crt chains to the ca.crt beside
it. Exits 1 when a certificate has expired or a check fails.

  --dir DIR        a directory made by \`dfcert init\`
`,
};

type Options = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false): { values: Options; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean' } }, strict: true, allowPositionals });
    return { values: values as Options, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function requireString(values: Options, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function days(values: Options, name: string, fallback: number | undefined): number | undefined {
  const value = values[name];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(number) || number <= 0 || number > 36_500) {
    throw new UsageError(`--${name} must be a number of days in (0, 36500], got ${JSON.stringify(value)}`);
  }
  return number;
}

function duration(values: Options, name: string, fallback: string): number {
  const value = values[name] ?? fallback;
  try {
    return parseDurationMs(String(value));
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

function list(values: Options, name: string, fallback: string[], valid: (item: string) => boolean, what: string): string[] {
  const value = values[name];
  if (value === undefined) return fallback;
  const items = String(value)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) if (!valid(item)) throw new UsageError(`--${name}: ${JSON.stringify(item)} is not ${what}`);
  return items;
}

const DEFAULT_HOSTS = ['localhost'];
const DEFAULT_IPS = ['127.0.0.1', '::1'];

function printInspect(result: InspectResult, io: DfcertIo): number {
  io.stdout(`${result.lines.join('\n')}\n`);
  if (result.problems.length === 0) return EXIT.ok;
  io.stderr(`problems:\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
  return EXIT.failure;
}

async function run(argv: string[], io: DfcertIo): Promise<number> {
  const [command, ...rest] = argv;
  const now = io.now ?? Date.now;
  const out = (line: string): void => io.stdout(`${line}\n`);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === undefined) {
      io.stderr(HELP);
      return EXIT.usage;
    }
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const help = COMMAND_HELP[command];
    if (!help) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    io.stdout(help);
    return EXIT.ok;
  }
  switch (command) {
    case 'init': {
      const { values } = parse(rest, {
        dir: { type: 'string' },
        hosts: { type: 'string' },
        ips: { type: 'string' },
        days: { type: 'string' },
        'ca-days': { type: 'string' },
        'ca-name': { type: 'string' },
        force: { type: 'boolean' },
      });
      const dir = requireString(values, 'dir');
      const caName = values['ca-name'];
      const names = initCertDir({
        dir,
        dnsNames: list(values, 'hosts', DEFAULT_HOSTS, isDnsName, 'a DNS name'),
        ipAddresses: list(values, 'ips', DEFAULT_IPS, (ip) => isIP(ip) !== 0, 'an IP address'),
        days: days(values, 'days', DEFAULT_LEAF_VALIDITY_DAYS)!,
        caDays: days(values, 'ca-days', DEFAULT_CA_VALIDITY_DAYS)!,
        force: values.force === true,
        ...(typeof caName === 'string' ? { caCommonName: caName } : {}),
      });
      out(`wrote ${join(dir, 'ca.crt')} and ${join(dir, 'ca.key')} (0600)`);
      for (const name of names) out(`wrote ${join(dir, name)}/{ca.crt,tls.crt,tls.key}`);
      return EXIT.ok;
    }
    case 'issue': {
      const { values } = parse(rest, {
        dir: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        usage: { type: 'string' },
        cn: { type: 'string' },
        hosts: { type: 'string' },
        ips: { type: 'string' },
        days: { type: 'string' },
        force: { type: 'boolean' },
      });
      const dir = requireString(values, 'dir');
      const name = requireString(values, 'name');
      if (!NAME_PATTERN.test(name)) throw new UsageError(`--name must match ${NAME_PATTERN.source} (it becomes a directory name)`);
      const role = requireString(values, 'role');
      if (!isServiceRole(role)) throw new UsageError(`--role must be one of ${SERVICE_ROLES.join(', ')}`);
      const usage = (values.usage ?? (role === 'client' ? 'client' : 'dual')) as CertificateUsage;
      if (!CERTIFICATE_USAGES.includes(usage)) throw new UsageError(`--usage must be one of ${CERTIFICATE_USAGES.join(', ')}`);
      const commonName = typeof values.cn === 'string' ? values.cn : name;
      if (!NAME_PATTERN.test(commonName)) throw new UsageError(`--cn must match ${NAME_PATTERN.source}`);
      const target = join(dir, name);
      if (existsSync(join(target, 'tls.crt')) && values.force !== true) {
        throw new DfcertError(`${target}/tls.crt already exists; use \`dfcert renew\` or --force`);
      }
      const bundle = readCaBundle(dir);
      const leaf = new CertificateIssuer({ certPem: bundle.pems[0]!, keyPem: bundle.keyPem }).issue({
        commonName,
        role,
        usage,
        dnsNames: list(values, 'hosts', role === 'client' ? [] : DEFAULT_HOSTS, isDnsName, 'a DNS name'),
        ipAddresses: list(values, 'ips', role === 'client' ? [] : DEFAULT_IPS, (ip) => isIP(ip) !== 0, 'an IP address'),
        validityDays: days(values, 'days', DEFAULT_LEAF_VALIDITY_DAYS)!,
      });
      writeTlsDir(target, { caPem: bundle.pems.join(''), certPem: leaf.certPem, keyPem: leaf.keyPem });
      out(`wrote ${target}/{ca.crt,tls.crt,tls.key} (${role}, ${usage})`);
      return EXIT.ok;
    }
    case 'renew': {
      const { values } = parse(rest, {
        dir: { type: 'string' },
        watch: { type: 'boolean' },
        interval: { type: 'string' },
        grace: { type: 'string' },
        'rotate-ca': { type: 'boolean' },
        force: { type: 'boolean' },
        days: { type: 'string' },
        'ca-days': { type: 'string' },
      });
      const dir = requireString(values, 'dir');
      const intervalMs = duration(values, 'interval', '1h');
      if (intervalMs < 10) throw new UsageError('--interval must be at least 10ms');
      const graceMs = duration(values, 'grace', '10s');
      const leafDays = days(values, 'days', undefined);
      const caDays = days(values, 'ca-days', undefined);
      const signal = io.signal;
      const sleep = async (ms: number): Promise<void> => {
        // not unref()ed on purpose: in --watch mode this timer is what keeps dfcert running
        await delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
      };
      const pass = (first: boolean) =>
        renewCertDir(
          {
            dir,
            force: first && values.force === true,
            rotateCa: first && values['rotate-ca'] === true,
            graceMs,
            ...(leafDays !== undefined ? { days: leafDays } : {}),
            ...(caDays !== undefined ? { caDays } : {}),
          },
          { now, sleep, print: out },
        );
      const first = await pass(true);
      if (values.watch !== true) return EXIT.ok;
      let nextDueAt = first.nextDueAt.getTime();
      while (!signal?.aborted) {
        await sleep(Math.min(intervalMs, Math.max(10, nextDueAt - now())));
        if (signal?.aborted) break;
        try {
          nextDueAt = (await pass(false)).nextDueAt.getTime();
        } catch (err) {
          // keep watching: a transient problem (a file being edited) must not end the renewals
          io.stderr(`dfcert: renew failed: ${(err as Error).message}\n`);
        }
      }
      out('stopped');
      return EXIT.ok;
    }
    case 'inspect': {
      const { values, positionals } = parse(rest, { dir: { type: 'string' } }, true);
      if (typeof values.dir === 'string') {
        if (positionals.length > 0) throw new UsageError('give either --dir or files, not both');
        if (!existsSync(values.dir)) throw new DfcertError(`${values.dir} does not exist`);
        return printInspect(inspectCertDir(values.dir, now()), io);
      }
      if (positionals.length === 0) throw new UsageError('give --dir DIR or certificate files');
      const result: InspectResult = { lines: [], problems: [] };
      for (const file of positionals) inspectFile(file, now(), result);
      return printInspect(result, io);
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** The whole CLI; returns the exit status. Errors are printed as one clear line, never a stack trace. */
export async function runDfcert(argv: string[], io: DfcertIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`dfcert: ${err.message}\nRun \`dfcert --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr(`dfcert: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}
