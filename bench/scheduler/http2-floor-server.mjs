// The floor under bench/scheduler: a bare node:http2 server with the scheduler's mutual TLS that
// plays AnnouncePeer's wire exchange and nothing else: per stream it waits for one whole gRPC
// message, answers with one response of the given size, and keeps the stream open until the client
// ends it. No grpc-js, no protobuf, no scheduling: what one registration costs Node's HTTP/2 and TLS.
// Started by announce.mjs: node http2-floor-server.mjs <tlsDir> <port> <responseBytes>
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { join } from 'node:path';

const [tlsDir, port, responseBytes] = process.argv.slice(2);
const body = Buffer.alloc(Number(responseBytes), 0x12);
const response = Buffer.alloc(5 + body.length);
response.writeUInt32BE(body.length, 1);
body.copy(response, 5);

const server = createSecureServer({
  ca: readFileSync(join(tlsDir, 'ca.crt')),
  cert: readFileSync(join(tlsDir, 'tls.crt')),
  key: readFileSync(join(tlsDir, 'tls.key')),
  requestCert: true,
  rejectUnauthorized: true,
  minVersion: 'TLSv1.2',
});
server.on('secureConnection', (socket) => socket.setNoDelay(true));
server.on('stream', (stream) => {
  let received = 0;
  let answered = false;
  stream.on('data', (chunk) => {
    received += chunk.length;
    if (answered || received < 5) return;
    answered = true;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc+proto' }, { waitForTrailers: true });
    stream.write(response);
  });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.on('end', () => stream.end());
  stream.on('error', () => {});
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => process.exit(0));
