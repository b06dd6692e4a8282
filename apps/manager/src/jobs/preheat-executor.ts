import { ConsistentHash, assertNever, taskId } from '@d7y/core';
import type { Job } from './job-repository.js';
import type { PeerProgress } from './job-repository.js';
import { filteredParamsOf } from './job-args.js';
import type { PreheatArgs } from './job-args.js';
import type { JobContext, JobExecutor } from './job-runner.js';
import type { JobPeer } from './job-target-repository.js';
import type { ImageManifestResolver } from './image-manifest-resolver.js';
import { parsePlatform } from './platform.js';
import type { PeerDirectory } from './peer-directory.js';
import { forEachLimited, selectPeers } from './peer-directory.js';
import type { PeerDownload, PeerRpc } from './peer-rpc.js';

export interface PreheatOptions {
  /** Most peers one job may drive (job.maxPeers). */
  maxPeers: number;
  /** Platform when the job names none, "os/arch[/variant]". */
  defaultPlatform: string;
  /** DER certificates of job.preheat.tls.caCert, handed to peers for the registry's TLS. */
  certificateChain: readonly Buffer[];
  insecureSkipVerify: boolean;
  /** Default job timeout, ms. */
  timeoutMs: number;
}

const TLS_HINT = 'set job.preheat.tls.caCert to the CA that signed the registry certificate (path or PEM), or job.preheat.tls.insecureSkipVerify';

/** URL a peer downloads, with the digest that names its content when known. */
interface PreheatItem {
  url: string;
  digest?: string;
}

/**
 * Preheat (upstream §4.3, done by the manager itself): resolve an image into blob URLs (or take the
 * file URLs), choose peers by scope, then call DfdaemonUpload.DownloadTask on each and follow its
 * stream into per-peer progress. The peers download through P2P like any peer, so later pulls find
 * them as parents.
 */
export class PreheatExecutor implements JobExecutor {
  private readonly resolver: ImageManifestResolver;
  private readonly directory: PeerDirectory;
  private readonly rpc: PeerRpc;
  private readonly options: PreheatOptions;

  constructor(deps: { resolver: ImageManifestResolver; directory: PeerDirectory; rpc: PeerRpc; options: PreheatOptions }) {
    this.resolver = deps.resolver;
    this.directory = deps.directory;
    this.rpc = deps.rpc;
    this.options = deps.options;
  }

  timeoutMs(job: Job): number {
    const args = job.args as unknown as PreheatArgs;
    return typeof args.timeout === 'number' ? args.timeout * 1000 : this.options.timeoutMs;
  }

  async execute(ctx: JobContext): Promise<void> {
    const { job, secrets, progress, signal, logger } = ctx;
    const args = job.args as unknown as PreheatArgs;
    if (this.options.insecureSkipVerify) {
      logger.warn({ url: args.url }, 'preheat with TLS certificate verification OFF (job.preheat.tls.insecureSkipVerify)');
      progress.warn('TLS certificate verification of the registry is off (job.preheat.tls.insecureSkipVerify)');
    }

    let items: PreheatItem[];
    let headers: Record<string, string>;
    switch (args.type) {
      case 'image': {
        const platform = parsePlatform(args.platform ?? this.options.defaultPlatform);
        if (platform === undefined) throw new Error(`invalid platform ${JSON.stringify(args.platform)}`);
        try {
          const image = await this.resolver.resolve({
            url: args.url,
            platform,
            credentials: { username: args.username, password: secrets.password },
            headers: secrets.headers,
            signal,
          });
          items = image.blobs.map((b) => ({ url: b.url, digest: b.digest }));
          headers = image.headers;
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          const message = err instanceof Error ? err.message : String(err);
          throw new Error(code === 'DF_ERR_EGRESS_TLS' ? `cannot fetch the image manifest: ${message}; ${TLS_HINT}` : `cannot fetch the image manifest: ${message}`);
        }
        break;
      }
      case 'file':
        items = [args.url, ...(args.urls ?? [])].map((url) => ({ url }));
        headers = secrets.headers;
        break;
      default:
        assertNever(args.type);
    }
    progress.result.urls = items.map((i) => i.url);
    progress.changed();

    const clusters = job.scheduler_cluster_ids;
    const scope = args.scope ?? 'single_seed_peer';
    const plan = new Map<string, { peer: JobPeer; items: PreheatItem[] }>();
    const filtered = filteredParamsOf(args.filtered_query_params);
    switch (scope) {
      case 'single_seed_peer': {
        const seeds = await this.directory.seedPeers(clusters);
        if (seeds.length === 0) throw new Error(`no active seed peer serves scheduler cluster(s) ${clusters.join(', ')}`);
        // Per cluster, each URL goes to the seed peer the task ID hashes to (as the scheduler picks seeds).
        for (const clusterId of new Set(seeds.map((s) => s.scheduler_cluster_id))) {
          const ring = new ConsistentHash(
            seeds.filter((s) => s.scheduler_cluster_id === clusterId),
            (s) => `${s.ip}:${s.port}`,
          );
          for (const item of items) {
            const id = taskId({ url: item.url, tag: args.tag, application: args.application, pieceLength: args.piece_length, filteredQueryParams: filtered });
            const peer = ring.pick(id);
            if (peer === undefined) continue;
            const key = `${peer.ip}:${peer.port}`;
            const entry = plan.get(key) ?? { peer, items: [] };
            entry.items.push(item);
            plan.set(key, entry);
          }
        }
        break;
      }
      case 'all_seed_peers':
      case 'all_peers': {
        const all = scope === 'all_seed_peers' ? await this.directory.seedPeers(clusters) : await this.directory.allPeers(clusters, logger);
        const chosen = selectPeers(all, args);
        if (chosen.length === 0) throw new Error(`no ${scope === 'all_seed_peers' ? 'active seed peer' : 'peer'} matches in scheduler cluster(s) ${clusters.join(', ')}`);
        for (const peer of chosen) plan.set(`${peer.ip}:${peer.port}`, { peer, items: [...items] });
        break;
      }
      default:
        assertNever(scope);
    }
    if (plan.size > this.options.maxPeers) throw new Error(`the job would drive ${plan.size} peers, more than job.maxPeers (${this.options.maxPeers})`);

    const timeoutMs = this.timeoutMs(job);
    const entries = [...plan.values()].map(({ peer, items: peerItems }) => ({ peer, items: peerItems, progress: progress.addPeer(peer, peerItems.length) }));
    await forEachLimited(entries, args.concurrent_peer_count ?? 50, async ({ peer, items: peerItems, progress: p }) => {
      p.state = 'RUNNING';
      progress.changed();
      const errors: string[] = [];
      await forEachLimited(peerItems, args.concurrent_task_count ?? 8, async (item) => {
        const download: PeerDownload = {
          url: item.url,
          ...(item.digest === undefined ? {} : { digest: item.digest }),
          ...(args.tag === undefined ? {} : { tag: args.tag }),
          ...(args.application === undefined ? {} : { application: args.application }),
          ...(args.piece_length === undefined ? {} : { pieceLength: args.piece_length }),
          filteredQueryParams: filtered ?? [],
          requestHeader: headers,
          certificateChain: this.options.certificateChain,
          timeoutMs,
        };
        try {
          await this.rpc.downloadTask(peer, download, this.progressOf(p, () => progress.changed()), signal);
          p.finished_tasks++;
        } catch (err) {
          p.failed_tasks++;
          errors.push(`${item.url}: ${err instanceof Error ? err.message : String(err)}`);
        }
        progress.changed();
      });
      p.state = errors.length === 0 ? 'SUCCESS' : 'FAILURE';
      if (errors.length > 0) p.error = errors.slice(0, 3).join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '');
      progress.changed();
    });
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('the job was cancelled');
    const failed = entries.filter((e) => e.progress.state === 'FAILURE');
    if (failed.length > 0) {
      throw new Error(`${failed.length} of ${entries.length} peer(s) failed: ${failed.slice(0, 3).map((e) => `${e.peer.hostname} (${e.peer.ip}): ${e.progress.error ?? ''}`).join('; ')}`);
    }
  }

  private progressOf(p: PeerProgress, changed: () => void) {
    return {
      onStarted: (info: { finishedBytes: number }) => {
        p.downloaded_bytes += info.finishedBytes;
        changed();
      },
      onPiece: (bytes: number) => {
        p.downloaded_bytes += bytes;
        changed();
      },
    };
  }
}
