import { stdSerializers } from 'pino';

export const REDACTED = '[Redacted]';

// Keys whose values are always hidden, compared after lower-casing and dropping '-' and '_'.
const SECRET_KEYS = new Set([
  'authorization', 'proxyauthorization', 'cookie', 'setcookie', 'password', 'passwd', 'secret', 'token',
  'accesstoken', 'refreshtoken', 'idtoken', 'privatekey', 'keypem', 'key', 'apikey', 'clientsecret', 'credentials',
]);
// …and any key ending like these (xAuthToken, dbPassword, clientSecrets).
const SECRET_SUFFIX = /(passwords?|passwd|tokens?|secrets?)$/;

// A PEM private key block (PKCS#1/#8, EC, encrypted…), or one cut off before its END line.
const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----(?:[\s\S]*?-----END \1PRIVATE KEY-----|[\s\S]*$)/g;
// HTTP credentials inside text: "Basic dXNlcjpwYXNz", "Bearer eyJ…" (scheme is case-insensitive).
const HTTP_CREDENTIALS = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/-]{6,}=*/gi;
// The password in a URL's userinfo: scheme://user:password@host.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]+@/gi;

const MAX_DEPTH = 32;

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(k) || SECRET_SUFFIX.test(k);
}

/** Removes private keys, Basic/Bearer credentials and URL passwords from free text. */
export function redactString(text: string): string {
  if (!text.includes('PRIVATE KEY') && !/basic|bearer|:\/\//i.test(text)) return text;
  return text
    .replace(PEM_PRIVATE_KEY, `[Redacted ${'$1'}PRIVATE KEY]`)
    .replace(HTTP_CREDENTIALS, `$1 ${REDACTED}`)
    .replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

/**
 * A copy of `value` safe to log: values under secret keys (at any depth, case-insensitive) become
 * "[Redacted]", strings are scrubbed with redactString, Errors are serialized the way pino's `err`
 * serializer does (then scrubbed). The input is never modified.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) return walk(stdSerializers.err(value), depth + 1, seen);
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1, seen);
    if (value instanceof Map) return walk(Object.fromEntries(value), depth + 1, seen);
    if (value instanceof Set) return walk([...value], depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretKey(key) && item !== undefined && item !== null ? REDACTED : walk(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
