import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { certificateDers } from '@d7y/tls';

// A Docker registry token service (the "Bearer realm" of docker-registry's token auth), as a real
// HTTP server: Basic credentials in, an ES256 JWT out whose x5c chains to the registry's
// rootcertbundle. Anonymous callers get a token without access, as registries do.

export interface TokenServer {
  realm: string;
  /** What each token request carried. */
  requests: { authorization: string | undefined; scope: string | null; service: string | null }[];
  stop(): Promise<void>;
}

const b64url = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

export async function startTokenServer(opts: { signer: { certPem: string; keyPem: string }; issuer: string; service: string; users: Record<string, string> }): Promise<TokenServer> {
  const key = createPrivateKey(opts.signer.keyPem);
  const x5c = certificateDers(opts.signer.certPem).map((d) => d.toString('base64'));
  const requests: TokenServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const scope = url.searchParams.get('scope');
    requests.push({ authorization: req.headers.authorization, scope, service: url.searchParams.get('service') });
    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [name = '', password] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (opts.users[name] === undefined || opts.users[name] !== password) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"invalid credentials"}');
        return;
      }
      user = name;
    }
    // scope = "repository:<name>:<actions>"
    const access = [];
    const m = scope === null ? null : /^repository:([^:]+):(.+)$/.exec(scope);
    if (user !== undefined && m !== null) access.push({ type: 'repository', name: m[1], actions: (m[2] ?? '').split(',') });
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', x5c };
    const claims = { iss: opts.issuer, sub: user ?? '', aud: opts.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const signingInput = `${b64url(header)}.${b64url(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const token = `${signingInput}.${signature}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
