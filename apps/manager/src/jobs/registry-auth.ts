import type { EgressClient } from '@d7y/egress';

/** A `WWW-Authenticate` challenge: scheme (lower-case) and its auth-params. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses the first challenge of a WWW-Authenticate header (`Bearer realm="…",service="…",scope="…"`). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*([A-Za-z][A-Za-z0-9._~+/-]*)\s*(.*)$/s.exec(header);
  if (m === null) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z][A-Za-z0-9._-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = m[2] ?? '';
  let p: RegExpExecArray | null;
  while ((p = re.exec(rest)) !== null && p[0] !== '') {
    params[(p[1] ?? '').toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

export interface RegistryCredentials {
  username?: string | undefined;
  password?: string | undefined;
}

const basic = (c: RegistryCredentials): string => `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
/** Token text that can travel in a header (the egress client refuses anything else anyway). */
const TOKEN_TEXT = /^[\x21-\x7e]{1,16384}$/;

/**
 * Answers the Authorization value for a registry's challenge: Docker's token flow for Bearer
 * (GET realm?service=&scope=, with Basic credentials when given), the credentials for Basic.
 * The realm is fetched through the same guarded client, so it cannot point at internal addresses.
 */
export async function authorizationFor(
  challenge: Challenge,
  opts: { client: EgressClient; credentials: RegistryCredentials; repository: string; signal?: AbortSignal },
): Promise<string> {
  const hasCredentials = opts.credentials.username !== undefined && opts.credentials.username !== '';
  switch (challenge.scheme) {
    case 'basic':
      if (!hasCredentials) throw new Error('the registry requires a username and password (Basic challenge), and the job has none');
      return basic(opts.credentials);
    case 'bearer': {
      const realm = challenge.params.realm;
      if (realm === undefined || realm === '') throw new Error('the registry sent a Bearer challenge without a realm');
      let url: URL;
      try {
        url = new URL(realm);
      } catch {
        throw new Error('the registry sent a Bearer challenge whose realm is not a URL');
      }
      if (challenge.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
      url.searchParams.set('scope', challenge.params.scope ?? `repository:${opts.repository}:pull`);
      const res = await opts.client.request(url, {
        headers: hasCredentials ? { authorization: basic(opts.credentials) } : {},
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
        maxBodyBytes: 1024 * 1024,
      });
      if (res.status === 401 || res.status === 403) {
        await res.dump();
        throw new Error(`the registry's token service at ${url.host} refused the ${hasCredentials ? 'credentials' : 'anonymous request'} (HTTP ${res.status})`);
      }
      if (res.status !== 200) {
        await res.dump();
        throw new Error(`the registry's token service at ${url.host} answered HTTP ${res.status}`);
      }
      const body = await res.json<{ token?: unknown; access_token?: unknown }>();
      const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
      if (typeof token !== 'string' || !TOKEN_TEXT.test(token)) throw new Error(`the registry's token service at ${url.host} answered no usable token`);
      return `Bearer ${token}`;
    }
    default:
      throw new Error(`the registry asks for ${challenge.scheme} authentication, which preheat does not support`);
  }
}
