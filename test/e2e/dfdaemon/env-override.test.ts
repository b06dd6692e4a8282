import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eCluster } from '../harness/cluster.js';
import { assertBuilt } from '../harness/paths.js';

// The BUILT dfdaemon reads DRAGONFLY_DFDAEMON_<KEY>__<NESTED> over its config file, as the compose
// deployment does for the proxy password: the file names only the user, the environment the password.

const PASSWORD = 'a-long-random-proxy-password';
const VAR = 'DRAGONFLY_DFDAEMON_PROXY__SERVER__BASIC_AUTH__PASSWORD';

/** Status of a plain-HTTP proxy request (to a closed port) with the given Proxy-Authorization. */
function proxyStatus(proxyPort: number, auth: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, method: 'GET', path: 'http://127.0.0.1:1/file', headers: auth === undefined ? {} : { 'proxy-authorization': auth } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('e2e: dfdaemon environment overrides', () => {
  let cluster: E2eCluster;
  let proxyPort = 0;
  const before = process.env[VAR];

  beforeAll(async () => {
    assertBuilt('dfdaemon');
    cluster = await E2eCluster.create('env-override');
    process.env[VAR] = PASSWORD; // inherited by the daemon process
    const d = await cluster.dfdaemon({ hostname: 'peer-env', schedulers: [], config: { proxy: { server: { port: 0, basicAuth: { username: 'puller' } } } } });
    // from the ready line on stdout, not the log file (written asynchronously beside it)
    proxyPort = d.ports.proxyPort;
    expect(d.ports.uploadPort).toBeGreaterThan(0);
  }, 60_000);

  afterAll(async () => {
    if (before === undefined) delete process.env[VAR];
    else process.env[VAR] = before;
    await cluster?.stop();
  });

  it('takes the proxy password from the environment', async () => {
    expect(proxyPort).toBeGreaterThan(0);
    expect(await proxyStatus(proxyPort, undefined)).toBe(407);
    expect(await proxyStatus(proxyPort, basic('puller', 'not-the-password'))).toBe(407);
    // authenticated: the request goes on (and fails at the closed origin port, not at the proxy)
    expect(await proxyStatus(proxyPort, basic('puller', PASSWORD))).not.toBe(407);
  });
});
