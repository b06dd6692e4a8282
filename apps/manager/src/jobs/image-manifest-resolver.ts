import { createHash } from 'node:crypto';
import type { EgressClient, EgressResponse } from '@d7y/egress';
import { formatPlatform, platformMatches } from './platform.js';
import type { Platform } from './platform.js';
import { authorizationFor, parseChallenge } from './registry-auth.js';
import type { RegistryCredentials } from './registry-auth.js';

const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(', ');

// Distribution spec grammar for repository names and references.
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** An image manifest URL split into what the registry API needs. */
export interface ManifestUrl {
  origin: string;
  repository: string;
  reference: string;
}

/** Parses `scheme://registry[:port]/v2/<repository>/manifests/<tag|digest>`; throws with the reason. */
export function parseManifestUrl(text: string): ManifestUrl {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error('url is not a URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('url must be http or https');
  if (u.username !== '' || u.password !== '') throw new Error('url must not carry credentials; use username/password');
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(u.pathname);
  if (m === null || u.search !== '' || u.hash !== '') throw new Error('url must look like https://registry/v2/<repository>/manifests/<tag or digest>');
  const repository = m[1] ?? '';
  const reference = decodeURIComponent(m[2] ?? '');
  if (!REPOSITORY.test(repository) || repository.length > 255) throw new Error(`url names an invalid repository ${JSON.stringify(repository.slice(0, 100))}`);
  if (!TAG.test(reference) && !DIGEST.test(reference)) throw new Error(`url names an invalid tag or digest ${JSON.stringify(reference.slice(0, 140))}`);
  return { origin: u.origin, repository, reference };
}

export interface ImageBlob {
  url: string;
  digest: string;
  size: number;
  mediaType: string;
}

export interface ResolvedImage {
  blobs: ImageBlob[];
  /** Headers the peers need to fetch the blobs (the registry's Authorization when it asked for one). */
  headers: Record<string, string>;
  /** Digests of the image manifests the blobs came from. */
  manifests: string[];
}

interface Descriptor {
  mediaType?: string;
  digest?: unknown;
  size?: unknown;
  platform?: { os?: string; architecture?: string; variant?: string } | null;
}

export interface ResolveImageRequest {
  url: string;
  platform: Platform;
  credentials: RegistryCredentials;
  /** Extra request headers (e.g. an Authorization a registry like Harbor hands over). */
  headers: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Turns an image manifest URL into the URLs of every blob a node needs for one platform: fetches the
 * manifest (OCI index / Docker manifest list → the entries for the platform → their manifests),
 * answers the registry's Basic or Bearer challenge, checks every manifest against the digest that
 * named it, and lists config + layer blobs. All fetches go through the guarded egress client.
 */
export class ImageManifestResolver {
  private readonly client: EgressClient;
  private readonly maxBlobs: number;
  private readonly maxManifestBytes: number;

  constructor(deps: { client: EgressClient; maxBlobs: number; maxManifestBytes?: number }) {
    this.client = deps.client;
    this.maxBlobs = deps.maxBlobs;
    this.maxManifestBytes = deps.maxManifestBytes ?? 4 * 1024 * 1024;
  }

  async resolve(req: ResolveImageRequest): Promise<ResolvedImage> {
    const target = parseManifestUrl(req.url);
    const session = { authorization: headerValue(req.headers, 'authorization') };
    const fetchManifest = async (reference: string, expectedDigest?: string): Promise<{ mediaType: string; doc: Record<string, unknown>; digest: string }> => {
      const url = `${target.origin}/v2/${target.repository}/manifests/${reference}`;
      const res = await this.get(url, req, session, target.repository);
      const body = await res.bytes();
      const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const wanted = expectedDigest ?? (DIGEST.test(reference) ? reference : undefined);
      if (wanted !== undefined && wanted.startsWith('sha256:') && wanted !== digest) {
        throw new Error(`manifest ${reference} from ${new URL(url).host} does not match its digest (got ${digest})`);
      }
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new Error(`manifest ${reference} from ${new URL(url).host} is not JSON`);
      }
      const mediaType = (typeof doc.mediaType === 'string' ? doc.mediaType : undefined) ?? (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      return { mediaType, doc, digest };
    };

    const top = await fetchManifest(target.reference);
    let manifests: { doc: Record<string, unknown>; digest: string }[];
    if (top.mediaType === MEDIA.ociIndex || top.mediaType === MEDIA.dockerList || (top.mediaType === '' && Array.isArray(top.doc.manifests))) {
      const entries = (Array.isArray(top.doc.manifests) ? top.doc.manifests : []) as Descriptor[];
      const matching = entries.filter((e) => platformMatches(req.platform, e.platform));
      if (matching.length === 0) {
        const available = entries.map((e) => (e.platform ? [e.platform.os, e.platform.architecture, e.platform.variant].filter(Boolean).join('/') : '?')).join(', ');
        throw new Error(`the image index has no manifest for platform ${formatPlatform(req.platform)} (it has: ${available || 'none'})`);
      }
      manifests = [];
      for (const entry of matching) {
        const digest = checkDigest(entry.digest, 'index entry');
        const m = await fetchManifest(digest, digest);
        if (m.mediaType !== MEDIA.ociManifest && m.mediaType !== MEDIA.dockerManifest) throw new Error(`index entry ${digest} is a ${m.mediaType || 'manifest of unknown type'}, not an image manifest`);
        manifests.push(m);
      }
    } else if (top.mediaType === MEDIA.ociManifest || top.mediaType === MEDIA.dockerManifest || (top.mediaType === '' && top.doc.config !== undefined)) {
      manifests = [top];
    } else {
      throw new Error(`unsupported manifest type ${JSON.stringify(top.mediaType)} (schema 1 manifests are not supported)`);
    }

    const blobs = new Map<string, ImageBlob>();
    for (const m of manifests) {
      const descriptors = [m.doc.config as Descriptor | undefined, ...((Array.isArray(m.doc.layers) ? m.doc.layers : []) as Descriptor[])];
      for (const d of descriptors) {
        if (d === undefined || d === null) throw new Error(`manifest ${m.digest} has no config`);
        const digest = checkDigest(d.digest, `manifest ${m.digest}`);
        if (blobs.has(digest)) continue;
        blobs.set(digest, {
          url: `${target.origin}/v2/${target.repository}/blobs/${digest}`,
          digest,
          size: typeof d.size === 'number' && Number.isSafeInteger(d.size) && d.size >= 0 ? d.size : 0,
          mediaType: typeof d.mediaType === 'string' ? d.mediaType : '',
        });
        if (blobs.size > this.maxBlobs) throw new Error(`the image has more than ${this.maxBlobs} blobs (job.preheat.maxBlobs)`);
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (name.toLowerCase() !== 'accept' && name.toLowerCase() !== 'authorization') headers[name] = value;
    if (session.authorization !== undefined) headers.Authorization = session.authorization;
    return { blobs: [...blobs.values()], headers, manifests: manifests.map((m) => m.digest) };
  }

  /** GET with the registry's auth dance: one challenge answered, then the request again. */
  private async get(url: string, req: ResolveImageRequest, session: { authorization: string | undefined }, repository: string): Promise<EgressResponse> {
    const send = (): Promise<EgressResponse> => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (name.toLowerCase() !== 'authorization') headers[name] = value;
      headers.Accept = ACCEPT;
      if (session.authorization !== undefined) headers.Authorization = session.authorization;
      return this.client.request(url, { headers, maxBodyBytes: this.maxManifestBytes, ...(req.signal === undefined ? {} : { signal: req.signal }) });
    };
    let res = await send();
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers['www-authenticate']);
      await res.dump();
      if (challenge === undefined) throw new Error(`${new URL(url).host} answered 401 without a WWW-Authenticate challenge`);
      session.authorization = await authorizationFor(challenge, {
        client: this.client,
        credentials: req.credentials,
        repository,
        ...(req.signal === undefined ? {} : { signal: req.signal }),
      });
      res = await send();
      if (res.status === 401 || res.status === 403) {
        await res.dump();
        throw new Error(`${new URL(url).host} refused access to ${repository} (HTTP ${res.status}) with the credentials given`);
      }
    }
    if (res.status !== 200) {
      const detail = await registryErrorOf(res);
      throw new Error(`${new URL(url).host} answered HTTP ${res.status} for ${new URL(url).pathname}${detail}`);
    }
    return res;
  }
}

function checkDigest(value: unknown, where: string): string {
  if (typeof value !== 'string' || !DIGEST.test(value)) throw new Error(`${where} names an invalid digest ${JSON.stringify(String(value).slice(0, 140))}`);
  return value;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The registry's error code and message (distribution spec `errors[]`), printable characters only. */
async function registryErrorOf(res: EgressResponse): Promise<string> {
  try {
    const text = (await res.bytes()).toString('utf8').slice(0, 4096);
    const body = JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = body.errors?.[0];
    if (first === undefined) return '';
    return `: ${String(first.code ?? '')} ${String(first.message ?? '')}`.replace(/[^\x20-\x7e]/g, '').slice(0, 200);
  } catch {
    return '';
  }
}
