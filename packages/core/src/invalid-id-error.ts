/** Thrown by the ID validators; `kind` says which ID was malformed, `reason` why. */
export class InvalidIdError extends Error {
  readonly kind: 'task' | 'peer' | 'host';
  readonly value: string;
  readonly reason: string;

  constructor(kind: 'task' | 'peer' | 'host', value: unknown, reason: string) {
    super(`invalid ${kind} id ${describe(value)}: ${reason}`);
    this.name = 'InvalidIdError';
    this.kind = kind;
    this.value = typeof value === 'string' ? value : String(value);
    this.reason = reason;
  }
}

// Bounded and escaped so that a hostile ID cannot flood or forge log lines.
function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}
