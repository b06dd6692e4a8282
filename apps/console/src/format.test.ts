import { describe, expect, it } from 'vitest';
import { bytes, headerLines, lines, readCookie, relativeTime, shortTarget, utcTime } from './format.js';

describe('format', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  it.each([
    ['2026-12-04T11:59:58Z', 'just now'],
    ['2026-12-04T11:59:30Z', '30 s ago'],
    ['2026-12-04T11:50:00Z', '10 min ago'],
    ['2026-12-04T09:00:00Z', '3 h ago'],
    ['2026-12-01T12:00:00Z', '3 d ago'],
    ['2026-12-04T14:00:00Z', 'in 2 h'],
    ['', '—'],
    ['garbage', '—'],
  ])('relativeTime(%s) = %s', (iso, want) => expect(relativeTime(iso, now)).toBe(want));

  it('prints UTC minutes', () => {
    expect(utcTime('2026-12-04T16:38:59.123Z')).toBe('2026-12-04 16:38 UTC');
    expect(utcTime(null)).toBe('—');
  });

  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [50 * 1024 * 1024, '50 MiB'],
    [-1, '—'],
  ])('bytes(%d) = %s', (n, want) => expect(bytes(n)).toBe(want));

  it('reads one cookie among several, URI-decoded', () => {
    expect(readCookie('a=1; __Host-d7y_csrf=x%3Dy; b=2', '__Host-d7y_csrf')).toBe('x=y');
    expect(readCookie('a=1', 'b')).toBeUndefined();
    expect(readCookie('', 'b')).toBeUndefined();
  });

  it('splits lines and parses header lines with clear errors', () => {
    expect(lines(' a \n\n b\r\n')).toEqual(['a', 'b']);
    expect(headerLines('X-A: 1\n\nAuthorization: Bearer t:k')).toEqual({ 'X-A': '1', Authorization: 'Bearer t:k' });
    expect(() => headerLines('ok: 1\nnocolon')).toThrow('header line 2 needs the form "Name: value"');
    expect(() => headerLines('bad name: 1')).toThrow('"bad name" is not a valid header name');
  });

  it.each([
    ['https://r.example:5000/v2/library/alpine/manifests/3.20', 'library/alpine:3.20'],
    ['https://r.example/v2/team/app/manifests/sha256:0123456789abcdef0123', 'team/app@sha256:0123456789ab…'],
    ['https://files.example/models/llama%201.bin?sig=x', 'llama 1.bin'],
    ['https://files.example/', 'files.example'],
    ['not a url', 'not a url'],
  ])('shortTarget(%s) = %s', (url, want) => expect(shortTarget(url)).toBe(want));
});
