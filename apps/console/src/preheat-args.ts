import { headerLines, lines } from './format.js';

// The preheat job request (upstream's POST /api/v1/jobs shape, internals §4.2) from the form's
// raw strings. Pure, tested in preheat-args.test.ts.

export type PreheatScope = 'single_seed_peer' | 'all_seed_peers' | 'all_peers';

export interface PreheatFormValues {
  type: 'image' | 'file';
  /** One URL per line; an image takes exactly one manifest URL. */
  urls: string;
  scope: PreheatScope;
  tag: string;
  application: string;
  platform: string;
  filteredQueryParams: string;
  headers: string;
  username: string;
  password: string;
  /** Target selection for all_seed_peers / all_peers: explicit IPs, else a count, else a percentage. */
  ips: string;
  count: string;
  percentage: string;
  pieceLength: string;
  concurrentTaskCount: string;
  concurrentPeerCount: string;
  /** Minutes. */
  timeoutMinutes: string;
  schedulerClusterIds: number[];
  bio: string;
}

export type PreheatRequest = {
  type: 'preheat';
  bio: string;
  args: Record<string, unknown>;
  scheduler_cluster_ids: number[];
};

const MANIFEST = /^https?:\/\/[^/\s]+\/v2\/.+\/manifests\/[^/\s]+$/;

function intOf(raw: string, label: string, min: number, max: number): number | undefined {
  const t = raw.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${label} must be a whole number from ${min} to ${max}.`);
  return n;
}

/** Throws an Error whose message names the field to fix. */
export function preheatRequest(v: PreheatFormValues): PreheatRequest {
  const urls = lines(v.urls);
  if (urls.length === 0) throw new Error('Enter the URL to preheat.');
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw new Error(`"${u}" is not a URL.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`"${u}": only http and https URLs can be preheated.`);
  }
  if (v.type === 'image') {
    if (urls.length !== 1) throw new Error('An image preheat takes one manifest URL.');
    if (!MANIFEST.test(urls[0] ?? '')) throw new Error('The image URL must be a manifest URL: https://registry/v2/<repository>/manifests/<tag or digest>.');
  }
  if (v.platform.trim() !== '' && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(v.platform.trim())) throw new Error('Platform looks like linux/amd64 or linux/arm64/v8.');
  if ((v.username === '') !== (v.password === '')) throw new Error('Give both the registry user name and password, or neither.');

  const headers = headerLines(v.headers);
  const ips = lines(v.ips);
  const count = intOf(v.count, 'Count', 1, 100_000);
  const percentage = intOf(v.percentage, 'Percentage', 1, 100);
  const pieceLength = intOf(v.pieceLength, 'Piece length', 4 * 1024 * 1024, 1024 * 1024 * 1024);
  const concurrentTaskCount = intOf(v.concurrentTaskCount, 'Concurrent tasks', 1, 100);
  const concurrentPeerCount = intOf(v.concurrentPeerCount, 'Concurrent peers', 1, 1000);
  const timeoutMinutes = intOf(v.timeoutMinutes, 'Timeout', 1, 24 * 60);
  if (v.scope === 'single_seed_peer' && (ips.length > 0 || count !== undefined || percentage !== undefined)) {
    throw new Error('IPs, count and percentage choose targets for the “all seed peers” and “all peers” scopes only.');
  }

  const args: Record<string, unknown> = { type: v.type, scope: v.scope };
  // The API takes the first URL as `url` and any further ones (files) as `urls`.
  args.url = urls[0];
  if (urls.length > 1) args.urls = urls.slice(1);
  const put = (key: string, value: unknown): void => {
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)) {
      args[key] = value;
    }
  };
  put('tag', v.tag.trim());
  put('application', v.application.trim());
  put('platform', v.type === 'image' ? v.platform.trim() : '');
  put('filtered_query_params', lines(v.filteredQueryParams.replace(/&/g, '\n')).join('&'));
  put('headers', headers);
  put('username', v.username);
  put('password', v.password);
  put('ips', ips);
  put('count', count);
  put('percentage', percentage);
  put('piece_length', pieceLength);
  put('concurrent_task_count', concurrentTaskCount);
  put('concurrent_peer_count', concurrentPeerCount);
  put('timeout', timeoutMinutes === undefined ? undefined : timeoutMinutes * 60); // seconds
  return { type: 'preheat', bio: v.bio.trim(), args, scheduler_cluster_ids: v.schedulerClusterIds };
}

const SECRET_KEYS = /^(password|headers|token|authorization)$/i;

/** Job arguments for display: secrets replaced by a mark. */
export function redactArgs(args: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args ?? {})) out[k] = SECRET_KEYS.test(k) && v !== '' && v !== undefined ? '••••••' : v;
  return out;
}
