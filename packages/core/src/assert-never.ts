/**
 * Exhaustiveness guard for `switch` statements over unions: the compiler proves the call is
 * unreachable, and at run time a value that slipped past the types fails loudly.
 */
export function assertNever(value: never, message?: string): never {
  throw new Error(message ?? `unexpected value: ${safeDescribe(value)}`);
}

function safeDescribe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  } catch {
    return String(value);
  }
}
