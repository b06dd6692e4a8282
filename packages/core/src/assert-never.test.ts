import { describe, expect, it } from 'vitest';
import { assertNever } from './assert-never.js';

type Shape = { kind: 'a' } | { kind: 'b' };

function name(shape: Shape): string {
  switch (shape.kind) {
    case 'a':
      return 'A';
    case 'b':
      return 'B';
    default:
      return assertNever(shape);
  }
}

describe('assertNever', () => {
  it('is unreachable for known members and throws for a value that slipped past the types', () => {
    expect(name({ kind: 'a' })).toBe('A');
    expect(() => name({ kind: 'c' } as unknown as Shape)).toThrow('unexpected value: {"kind":"c"}');
    expect(() => assertNever('x' as never, 'custom')).toThrow('custom');
  });
});
