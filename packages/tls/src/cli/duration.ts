const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "500ms", "30s", "5m", "1h30m", "2d" → milliseconds. */
export function parseDurationMs(text: string): number {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g) : null;
  if (!parts) throw new Error(`not a duration: ${JSON.stringify(text)} (examples: 500ms, 30s, 5m, 1h30m, 2d)`);
  return parts.reduce((total, part) => {
    const [, value, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(part)!;
    return total + Number(value) * UNIT_MS[unit!]!;
  }, 0);
}
