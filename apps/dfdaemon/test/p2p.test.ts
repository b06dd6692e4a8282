import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDfget } from '../src/cli/run-dfget.js';
import type { Dfdaemon } from '../src/dfdaemon.js';
import type { DownloadRequest } from '../src/download/download-request.js';
import type { PieceRecord } from '../src/storage/task-store.js';
import { startTestDaemon } from './fixtures/daemon.js';
import { FakeScheduler } from './fixtures/fake-scheduler.js';
import { randomBytesSeeded, TestOrigin } from './fixtures/origin.js';
import { TestPki } from './fixtures/tls.js';

const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function sink(): { write(t: string): boolean; text: string } {
  return {
    text: '',
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

describe('P2P through a scheduler (FakeScheduler, real daemons, real mTLS)', () => {
  const pki = new TestPki();
  const origin = new TestOrigin();
  const scheduler = new FakeScheduler({ tls: pki.source('scheduler-1', 'scheduler') });
  const body = randomBytesSeeded(18 * MiB + 3, 99);
  let root: string;
  const daemons: Dfdaemon[] = [];
  let seed: Dfdaemon;
  let peer1: Dfdaemon;

  beforeAll(async () => {
    origin.files.set('/file', { body });
    await origin.start();
    await scheduler.start();
    root = await mkdtemp(join(tmpdir(), 'd7y-p2p-'));
    seed = await startTestDaemon({ root, ca: pki.ca, hostname: 'seed-1', schedulers: [scheduler.address], seed: true });
    peer1 = await startTestDaemon({ root, ca: pki.ca, hostname: 'peer-1', schedulers: [scheduler.address] });
    daemons.push(seed, peer1);
  });
  afterAll(async () => {
    for (const d of daemons.reverse()) await d.stop();
    scheduler.kill();
    await origin.stop();
    await rm(root, { recursive: true, force: true });
  });

  const req = (over: Partial<DownloadRequest> = {}): DownloadRequest => ({
    url: origin.url('/file'),
    requestHeader: {},
    priority: 6,
    disableBackToSource: false,
    needBackToSource: false,
    ...over,
  });

  it('a peer gets every piece from the seed, which fetched each byte from the origin once', async () => {
    const out = join(root, 'out-peer-1');
    const stderr = sink();
    const code = await runDfget([origin.url('/file'), '-O', out, '-e', peer1.ports.socketPath, '--no-progress'], { stdout: sink(), stderr });
    expect(stderr.text).toContain('downloaded');
    expect(code).toBe(0);
    expect(sha256(await readFile(out))).toBe(sha256(body));
    // Stat probes are one byte each (seed + peer); the content itself came from the origin once.
    expect(origin.bytesServed('/file')).toBe(body.length + 2);
    const peerId = scheduler.requests.find((r) => r.kind === 'register_peer_request' && r.req.host_id.endsWith('peer-1'))?.peerId as string;
    const kinds = scheduler.kinds(peerId);
    expect(kinds.filter((k) => k === 'download_piece_finished_request')).toHaveLength(5);
    expect(kinds).toContain('download_peer_finished_request');
    const reported = scheduler.requests.filter((r) => r.peerId === peerId && r.kind === 'download_piece_finished_request');
    expect(reported.every((r) => r.req.download_piece_finished_request?.piece?.traffic_type === 'REMOTE_PEER')).toBe(true);
    // The seed reported every piece it fetched from the source: those are the trusted digests.
    expect(scheduler.digests.get(peer1.tasks.taskIdOf(req()))?.size).toBe(5);
  });

  it('catches a parent that serves flipped bytes, blocks it and gets the pieces elsewhere', async () => {
    const bad = await startTestDaemon({ root, ca: pki.ca, hostname: 'bad-1', schedulers: [scheduler.address] });
    daemons.push(bad);
    const task = await bad.tasks.download(req());
    // Flip one byte in every piece of bad-1's stored copy: its journal still says "finished".
    const fh = await open(task.contentPath, 'r+');
    for (const p of task.pieces()) {
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, p.offset + 17);
      b[0] = (b[0] as number) ^ 0xff;
      await fh.write(b, 0, 1, p.offset + 17);
    }
    await fh.close();
    const badPeer = scheduler.peers.find((p) => p.hostId.endsWith('bad-1'));
    scheduler.parentOrder = (list) => (list.some((p) => p.id === badPeer?.id) ? list.filter((p) => p.id === badPeer?.id) : list);
    const peer2 = await startTestDaemon({ root, ca: pki.ca, hostname: 'peer-2', schedulers: [scheduler.address] });
    daemons.push(peer2);
    const pieces: PieceRecord[] = [];
    const got = await peer2.tasks.download(req(), { onPiece: (p) => pieces.push(p) });
    scheduler.parentOrder = undefined;
    expect(sha256(await readFile(got.contentPath))).toBe(sha256(body));
    const peerId = scheduler.requests.find((r) => r.kind === 'register_peer_request' && r.req.host_id.endsWith('peer-2'))?.peerId as string;
    const failed = scheduler.requests.filter((r) => r.peerId === peerId && r.kind === 'download_piece_failed_request');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.req.download_piece_failed_request?.parent_id === badPeer?.id)).toBe(true);
    expect(scheduler.kinds(peerId)).toContain('reschedule_peer_request');
    expect(pieces.every((p) => p.trafficType === 'remote-peer' && p.parentId !== badPeer?.id)).toBe(true);
  });

  it('a triggered seed that already holds the task re-announces it with its source digests', async () => {
    const id = peer1.tasks.taskIdOf(req());
    // The scheduler lost its state (restart): it knows no peer and no digest of the task.
    scheduler.digests.delete(id);
    scheduler.peers.splice(0, scheduler.peers.length);
    const before = origin.bytesServed('/file');
    const peer4 = await startTestDaemon({ root, ca: pki.ca, hostname: 'peer-4', schedulers: [scheduler.address] });
    daemons.push(peer4);
    const pieces: PieceRecord[] = [];
    const t = await peer4.tasks.download(req(), { onPiece: (p) => pieces.push(p) });
    expect(sha256(await readFile(t.contentPath))).toBe(sha256(body));
    expect(pieces.every((p) => p.trafficType === 'remote-peer')).toBe(true);
    expect(scheduler.digests.get(id)?.size).toBe(5);
    // Only peer-4's one-byte stat reached the origin.
    expect(origin.bytesServed('/file') - before).toBe(1);
  });

  it('never uses a parent piece without a trusted digest: fetches it from the source and reports it', async () => {
    const r = req({ tag: 'untrusted' });
    await seed.tasks.download({ ...r, needBackToSource: true });
    const id = seed.tasks.taskIdOf(r);
    // The seed's last piece reports may still be on their way: forget the digests after them.
    await vi.waitFor(() => expect(scheduler.digests.get(id)?.size).toBe(5));
    // The scheduler forgot the source digests of this task (the seed is still a listed parent).
    scheduler.digests.delete(id);
    const peer5 = await startTestDaemon({ root, ca: pki.ca, hostname: 'peer-5', schedulers: [scheduler.address] });
    daemons.push(peer5);
    const pieces: PieceRecord[] = [];
    const t = await peer5.tasks.download(r, { onPiece: (p) => pieces.push(p) });
    expect(sha256(await readFile(t.contentPath))).toBe(sha256(body));
    expect(pieces.map((p) => p.trafficType)).toEqual(Array(5).fill('back-to-source'));
    const peerId = scheduler.requests.find((x) => x.kind === 'register_peer_request' && x.req.host_id.endsWith('peer-5'))?.peerId as string;
    expect(scheduler.kinds(peerId)).toContain('download_peer_back_to_source_started_request');
    // Reported on the same stream: the scheduler trusts these digests again.
    expect(scheduler.digests.get(id)?.size).toBe(5);
  }, 20_000);

  it('falls back to the source within seconds when the scheduler is unreachable', async () => {
    const lonely = await startTestDaemon({ root, ca: pki.ca, hostname: 'lonely-1', schedulers: ['127.0.0.1:1'] });
    daemons.push(lonely);
    const t0 = Date.now();
    const t = await lonely.tasks.download(req({ tag: 'lonely' }));
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(sha256(await readFile(t.contentPath))).toBe(sha256(body));
  });

  it('refuses output paths and unknown tasks over the network API', async () => {
    const code = await runDfget([origin.url('/file'), '-O', 'relative/out', '-e', peer1.ports.socketPath], { stdout: sink(), stderr: sink() });
    expect(code).toBe(2);
    const dirCode = await runDfget([origin.url('/file'), '-O', root, '-e', peer1.ports.socketPath], { stdout: sink(), stderr: sink() });
    expect(dirCode).toBe(2);
    const existing = join(root, 'out-peer-1');
    const err = sink();
    expect(await runDfget([origin.url('/file'), '-O', existing, '-e', peer1.ports.socketPath], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.text).toContain('already exists');
    const nf = sink();
    expect(await runDfget([origin.url('/missing'), '-O', join(root, 'x'), '-e', peer1.ports.socketPath], { stdout: sink(), stderr: nf })).toBe(4);
    expect(nf.text).toContain('404');
    const down = sink();
    expect(await runDfget([origin.url('/file'), '-O', join(root, 'y'), '-e', join(root, 'no.sock')], { stdout: sink(), stderr: down })).toBe(3);
    expect(down.text).toContain('not running');
  });
});
