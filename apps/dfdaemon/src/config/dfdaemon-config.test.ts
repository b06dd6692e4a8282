import { ConfigError, parseConfig } from '@d7y/config';
import { describe, expect, it } from 'vitest';
import { dfdaemonConfigSchema } from './dfdaemon-config.js';

describe('dfdaemon config', () => {
  it('works with embedded defaults', () => {
    const c = parseConfig('', dfdaemonConfigSchema);
    expect(c.upload.server.port).toBe(4000);
    expect(c.storage.server.tcpPort).toBe(4005);
    expect(c.scheduler.addrs).toEqual(['127.0.0.1:8002']);
    expect(c.download.server.socketPath).toBe('/var/run/dragonfly/dfdaemon.sock');
    expect(c.download.concurrentPieceCount).toBe(8);
    expect(c.gc.policy.taskTTL).toBe(720 * 3600 * 1000);
    expect(c.proxy.server.port).toBe(4001);
    expect(c.storage.directIO).toBe(true);
  });

  it('reads upstream camelCase keys with units', () => {
    const c = parseConfig(
      [
        'host: { hostname: peer-1, ip: 127.0.0.1 }',
        'download: { bandwidthLimit: 10MiB, pieceTimeout: 30s, server: { socketPath: /tmp/x.sock } }',
        'upload: { bandwidthLimit: 1GB, server: { port: 0 } }',
        'scheduler: { addrs: ["127.0.0.1:1", "127.0.0.1:2"], scheduleTimeout: 2s }',
        'seedPeer: { enable: true, type: super }',
        'storage: { dir: /tmp/d, keep: true, directIO: false }',
        'gc: { interval: 1m, policy: { taskTTL: 48h, diskHighThresholdPercent: 90, diskLowThresholdPercent: 70 } }',
      ].join('\n'),
      dfdaemonConfigSchema,
    );
    expect(c.download.bandwidthLimit).toBe(10 * 1024 * 1024);
    expect(c.download.pieceTimeout).toBe(30_000);
    expect(c.upload.bandwidthLimit).toBe(1_000_000_000);
    expect(c.scheduler.scheduleTimeout).toBe(2000);
    expect(c.seedPeer.enable).toBe(true);
    expect(c.gc.policy.taskTTL).toBe(48 * 3600 * 1000);
    expect(c.storage.directIO).toBe(false);
  });

  it.each([
    ['upload: { server: { prot: 4000 } }', 'upload.server'],
    ['download: { concurrentPieceCount: 0 }', 'download.concurrentPieceCount'],
    ['gc: { policy: { diskHighThresholdPercent: 50, diskLowThresholdPercent: 60 } }', 'diskLowThresholdPercent'],
    ['host: { ip: not-an-ip }', 'host.ip'],
    ['download: { bandwidthLimit: lots }', 'download.bandwidthLimit'],
    ['storage: { directIO: sometimes }', 'storage.directIO'],
  ])('refuses %s naming %s', (text, key) => {
    let err: unknown;
    try {
      parseConfig(text, dfdaemonConfigSchema, 'dfdaemon.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(key);
    expect((err as Error).message).toContain('dfdaemon.yaml');
  });
});
