import { describe, expect, it } from 'vitest';
import { CSRF_COOKIE, SESSION_COOKIE, clearedSessionCookies, cookieValue, csrfTokenFor, sessionCookies } from './console-session-cookie.js';

describe('console session cookies', () => {
  it.each([
    ['a=1; b=2', 'b', '2'],
    ['  b=2 ;a=1', 'b', '2'],
    ['ab=1; b=2', 'b', '2'],
    ['b=first; b=second', 'b', 'first'],
    ['a=1', 'b', undefined],
    ['b', 'b', undefined],
    [undefined, 'b', undefined],
    [`b=${'x'.repeat(20_000)}`, 'b', undefined],
  ] as const)('cookieValue(%j, %s)', (header, name, want) => expect(cookieValue(header, name)).toBe(want));

  it('derives a CSRF token per JWT that reveals nothing of it', () => {
    const a = csrfTokenFor('h.p.s');
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor('h.p.s')).toBe(a);
    expect(csrfTokenFor('h.p.t')).not.toBe(a);
    expect(a).not.toContain('h.p');
  });

  it('sets host-only, Secure, SameSite=Strict cookies, the session one HttpOnly, and clears them', () => {
    const [session, csrf] = sessionCookies('h.p.s', 3600.9);
    expect(session).toBe(`${SESSION_COOKIE}=h.p.s; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict`);
    expect(csrf).toBe(`${CSRF_COOKIE}=${csrfTokenFor('h.p.s')}; Path=/; Max-Age=3600; Secure; SameSite=Strict`);
    expect(sessionCookies('h.p.s', -5)[0]).toContain('Max-Age=0');
    for (const c of clearedSessionCookies()) expect(c).toMatch(/=; Path=\/; Max-Age=0;.* Secure; SameSite=Strict$/);
    expect(SESSION_COOKIE.startsWith('__Host-')).toBe(true);
  });
});
