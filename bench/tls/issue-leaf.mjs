// Milliseconds per issued leaf certificate and the longest event-loop block while issuing.
// Run after `pnpm build`: node bench/tls/issue-leaf.mjs [count]
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { CertificateIssuer, createCa, issueCertificate } from '../../packages/tls/dist/index.js';

const count = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(count) || count < 1) {
  console.error('usage: node bench/tls/issue-leaf.mjs [count >= 1]');
  process.exit(2);
}

const ca = createCa({ commonName: 'Bench CA' });
const leafOptions = (i, keyType) => ({
  commonName: `peer-${i}`,
  role: 'dfdaemon',
  usage: 'dual',
  dnsNames: ['localhost', `peer-${i}.example`],
  ipAddresses: ['127.0.0.1', '::1', `10.0.${(i >> 8) & 255}.${i & 255}`],
  keyType,
});

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function measure(name, n, issueOne) {
  for (let i = 0; i < Math.min(20, n); i++) issueOne(i); // warm-up
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const times = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    issueOne(i);
    times.push(performance.now() - t0);
    // give the loop a turn after each leaf, as a server issuing on demand would
    await yieldToLoop();
  }
  const total = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  histogram.disable();
  times.sort((a, b) => a - b);
  const row = {
    case: name,
    leaves: n,
    'ms/leaf (mean)': +(times.reduce((a, b) => a + b, 0) / n).toFixed(3),
    // CPU time is immune to the machine being busy with other processes (wall-clock max is not)
    'cpu ms/leaf': +((cpu.user + cpu.system) / 1000 / n).toFixed(3),
    'p50 ms': +percentile(times, 50).toFixed(3),
    'p99 ms': +percentile(times, 99).toFixed(3),
    'max ms': +times[times.length - 1].toFixed(3),
    'leaves/s': Math.round((n * 1000) / total),
    'max loop block ms': +(histogram.max / 1e6).toFixed(3),
  };
  return row;
}

const issuer = new CertificateIssuer(ca);
const rows = [];
// noise floor: the same loop without issuing (GC, other processes on the machine)
rows.push(await measure('baseline: loop turns only, no issuing', count, () => undefined));
rows.push(await measure('CertificateIssuer.issue, ECDSA P-256 leaf key', count, (i) => issuer.issue(leafOptions(i, 'ec-p256'))));
rows.push(await measure('issueCertificate(ca, …), ECDSA P-256 (parses the CA each call)', count, (i) => issueCertificate(ca, leafOptions(i, 'ec-p256'))));
rows.push(await measure('CertificateIssuer.issue, RSA-2048 leaf key', Math.max(1, Math.min(50, Math.floor(count / 20))), (i) => issuer.issue(leafOptions(i, 'rsa-2048'))));
console.table(rows);
console.log(
  `node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ` +
    'target: < 5 ms per leaf and no event-loop block over 5 ms',
);
