import * as grpc from '@grpc/grpc-js';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grpcChannelCredentials } from './grpc-credentials.js';
import { tlsClientOptions } from './https-options.js';
import {
  EchoClient,
  httpsGet,
  makePki,
  startEchoServer,
  startHttpsServer,
  whoAmI,
  type EchoServer,
  type HttpsEchoServer,
  type Pki,
} from './mtls.fixture.js';
import { TlsSource } from './tls-source.js';

let pki: Pki;
let serverSource: TlsSource;
let grpcServer: EchoServer;
let httpsServer: HttpsEchoServer;

beforeAll(async () => {
  pki = makePki();
  serverSource = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.server.certPem, key: pki.server.keyPem });
  grpcServer = await startEchoServer(serverSource);
  httpsServer = await startHttpsServer(serverSource);
});

afterAll(async () => {
  await grpcServer?.stop();
  await httpsServer?.stop();
});

type ClientCase = { name: string; leaf: () => { certPem: string; keyPem: string } | undefined };

// Each of these presents something the server must refuse.
const refusedClients: ClientCase[] = [
  { name: 'no client certificate', leaf: () => undefined },
  { name: 'a certificate from another CA', leaf: () => pki.otherCaClient },
  { name: 'an expired certificate', leaf: () => pki.expired },
  { name: 'a not-yet-valid certificate', leaf: () => pki.notYetValid },
  { name: 'a server-only certificate used as a client', leaf: () => pki.serverOnly },
];

function rawGrpcCredentials(leaf: { certPem: string; keyPem: string } | undefined): grpc.ChannelCredentials {
  const ca = Buffer.from(pki.ca.certPem);
  return leaf ? grpc.credentials.createSsl(ca, Buffer.from(leaf.keyPem), Buffer.from(leaf.certPem)) : grpc.credentials.createSsl(ca);
}

describe('gRPC server with grpcServerCredentials', () => {
  it('accepts a client certificate from the cluster CA and reads its identity', async () => {
    const clientSource = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem });
    const client = new EchoClient(`127.0.0.1:${grpcServer.port}`, grpcChannelCredentials(clientSource));
    try {
      const reply = await whoAmI(client);
      expect(reply.identity).toMatchObject({ role: 'dfdaemon', hostname: 'peer-1', commonName: 'peer-1' });
    } finally {
      client.close();
    }
  });

  it.each(refusedClients)('refuses $name', async ({ leaf }) => {
    const client = new EchoClient(`127.0.0.1:${grpcServer.port}`, rawGrpcCredentials(leaf()));
    try {
      await expect(whoAmI(client)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      client.close();
    }
  });

  it('client refuses a server whose certificate does not name the expected server', async () => {
    const clientSource = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem });
    const wrongName = new EchoClient(
      `127.0.0.1:${grpcServer.port}`,
      grpcChannelCredentials(clientSource, { serverName: 'scheduler.not-in-san.example' }),
    );
    const rightName = new EchoClient(`127.0.0.1:${grpcServer.port}`, grpcChannelCredentials(clientSource, { serverName: 'localhost' }));
    try {
      await expect(whoAmI(wrongName)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      await expect(whoAmI(rightName)).resolves.toMatchObject({ identity: { role: 'dfdaemon' } });
    } finally {
      wrongName.close();
      rightName.close();
    }
  });
});

describe('https server with httpsServerOptions', () => {
  it('accepts a client certificate from the cluster CA and reads its identity', async () => {
    const clientSource = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem });
    const res = await httpsGet(httpsServer.port, tlsClientOptions(clientSource, { servername: '127.0.0.1' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).identity).toMatchObject({ role: 'dfdaemon', hostname: 'peer-1' });
  });

  const rawOptions = (cert: { certPem: string; keyPem: string } | undefined) => ({
    ca: pki.ca.certPem,
    ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
    servername: 'localhost',
  });

  it('the same raw client options with a valid certificate succeed (control)', async () => {
    await expect(httpsGet(httpsServer.port, rawOptions(pki.client))).resolves.toMatchObject({ status: 200 });
  });

  it.each(refusedClients)('refuses $name', async ({ leaf }) => {
    // no certificate: the server sends a certificate_required alert; a certificate that fails
    // verification: node's server destroys the socket after the handshake (the client sees a reset)
    const err = await httpsGet(httpsServer.port, rawOptions(leaf())).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err?.code).toMatch(/^ERR_SSL_|^ECONNRESET$/);
  });

  it('client refuses a server name that is not in the SANs', async () => {
    const clientSource = TlsSource.fromPem({ ca: pki.ca.certPem, cert: pki.client.certPem, key: pki.client.keyPem });
    await expect(httpsGet(httpsServer.port, tlsClientOptions(clientSource, { servername: 'other.example' }))).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    await expect(httpsGet(httpsServer.port, tlsClientOptions(clientSource, { servername: '10.9.9.9' }))).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});

describe('protocol versions', () => {
  function handshake(port: number, maxVersion: tls.SecureVersion): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port,
        ca: pki.ca.certPem,
        cert: pki.client.certPem,
        key: pki.client.keyPem,
        servername: 'localhost',
        minVersion: 'TLSv1',
        maxVersion,
        // OpenSSL 3 refuses TLS < 1.2 at security level 1 on the client side; level 0 makes the
        // client really offer it, so the refusal we observe is the server's
        ciphers: 'DEFAULT@SECLEVEL=0',
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      socket.once('secureConnect', () => {
        const version = socket.getProtocol() ?? '';
        socket.destroy();
        resolve(version);
      });
      socket.once('error', reject);
    });
  }

  it.each(['TLSv1', 'TLSv1.1'] as const)('both servers refuse a %s handshake (protocol_version alert)', async (version) => {
    for (const port of [grpcServer.port, httpsServer.port]) {
      await expect(handshake(port, version)).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    }
  });

  it('the same client settings succeed with TLS 1.2 (control)', async () => {
    for (const port of [grpcServer.port, httpsServer.port]) {
      await expect(handshake(port, 'TLSv1.2')).resolves.toBe('TLSv1.2');
    }
  });
});
