// Pure formatting helpers shared by the pages (tested in format.test.ts).

/** "3 min ago", "in 2 h", from an ISO instant; "—" when absent. */
export function relativeTime(iso: string | null | undefined, nowMs: number): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.round((t - nowMs) / 1000);
  const abs = Math.abs(s);
  const [n, unit] =
    abs < 45 ? [abs, 's'] : abs < 45 * 60 ? [Math.round(abs / 60), 'min'] : abs < 36 * 3600 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86_400), 'd'];
  if (abs < 5) return 'just now';
  return s < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
}

/** "2026-12-04 16:38 UTC" — operators compare times across machines, so always UTC. */
export function utcTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Bytes in binary units: 1536 → "1.5 KiB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** The value of one cookie in a `document.cookie` string, or undefined. */
export function readCookie(cookieString: string, name: string): string | undefined {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Splits a textarea into trimmed non-empty lines. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** "Key: value" lines → a header record; throws with the line number on a malformed line. */
export function headerLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line ${i + 1} needs the form "Name: value"`);
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new Error(`header line ${i + 1}: "${name}" is not a valid header name`);
    out[name] = line.slice(colon + 1).trim();
  });
  return out;
}

/**
 * A short name for a preheat target: "library/alpine:3.20" (or "@sha256:abcd1234…") for a
 * registry manifest URL, the last path segment for a file URL, the text itself otherwise.
 */
export function shortTarget(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(u.pathname);
  if (m) {
    const [, repo = '', ref = ''] = m;
    return ref.includes(':') ? `${repo}@${ref.slice(0, 19)}…` : `${repo}:${ref}`;
  }
  const last = u.pathname.split('/').filter((p) => p !== '').pop();
  return last === undefined ? u.host : decodeURIComponent(last);
}
