/** A single `Range: bytes=…` spec before the length is known. */
export type RangeSpec = { kind: 'from'; start: number; end?: number } | { kind: 'suffix'; length: number };

/**
 * Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`. Anything else (other units, several ranges, junk)
 * → undefined, and the whole content is served (RFC 9110 §14.2 lets a server ignore Range).
 */
export function parseRangeHeader(header: string | undefined): RangeSpec | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (m === null) return undefined;
  const [a, b] = [m[1] as string, m[2] as string];
  if (a === '' && b === '') return undefined;
  if (a === '') return { kind: 'suffix', length: Number(b) };
  const start = Number(a);
  if (b === '') return { kind: 'from', start };
  const end = Number(b);
  if (end < start) return undefined;
  return { kind: 'from', start, end };
}

/** The satisfiable bytes of `spec` in content of `total` bytes, or 'unsatisfiable' (→ 416). */
export function resolveRange(spec: RangeSpec, total: number): { start: number; length: number } | 'unsatisfiable' {
  if (spec.kind === 'suffix') {
    if (spec.length === 0 || total === 0) return 'unsatisfiable';
    const length = Math.min(spec.length, total);
    return { start: total - length, length };
  }
  if (spec.start >= total) return 'unsatisfiable';
  const last = Math.min(spec.end ?? total - 1, total - 1);
  return { start: spec.start, length: last - spec.start + 1 };
}

/** `bytes start-end/total` */
export function contentRange(range: { start: number; length: number }, total: number): string {
  return `bytes ${range.start}-${range.start + range.length - 1}/${total}`;
}
