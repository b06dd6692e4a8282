import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, originRequestHeaders, taskRequestHeaders } from './forward-headers.js';

describe('forward headers', () => {
  const incoming = {
    host: 'reg.test',
    authorization: 'Bearer t',
    'proxy-authorization': 'Basic eA==',
    'proxy-connection': 'keep-alive',
    connection: 'keep-alive, x-secret-hop',
    'x-secret-hop': '1',
    'keep-alive': 'timeout=5',
    te: 'trailers',
    'x-dragonfly-tag': 't',
    'x-dragonfly-output-path': '/etc/passwd',
    range: 'bytes=0-1',
    accept: ['a', 'b'] as unknown as string,
  };

  it('origin requests keep Authorization, drop hop-by-hop, proxy and X-Dragonfly-* fields', () => {
    expect(originRequestHeaders(incoming)).toEqual({ host: 'reg.test', authorization: 'Bearer t', range: 'bytes=0-1', accept: ['a', 'b'] });
  });

  it('P2P tasks also leave Host and Range to the download engine', () => {
    expect(taskRequestHeaders(incoming)).toEqual({ authorization: 'Bearer t', accept: 'a, b' });
  });

  it('responses lose hop-by-hop fields', () => {
    expect(clientResponseHeaders({ 'Content-Type': 'x', 'Transfer-Encoding': 'chunked', Connection: 'close', 'Docker-Content-Digest': 'sha256:aa' })).toEqual({
      'content-type': 'x',
      'docker-content-digest': 'sha256:aa',
    });
  });
});
