import { describe, expect, it } from 'vitest';
import { apiErrorOf, networkError } from './api-error.js';

describe('apiErrorOf', () => {
  it.each([
    [400, { code: 'DF_ERR_MANAGER_VALIDATION', message: 'body/name must match pattern' }, null, 'DF_ERR_MANAGER_VALIDATION', 'Body/name must match pattern'],
    [401, {}, null, 'HTTP_401', 'Your session has ended, sign in again.'],
    [403, null, null, 'HTTP_403', 'You are not allowed to do this.'],
    [404, 'not json', null, 'HTTP_404', 'Not found: it may have been deleted.'],
    [429, { code: 'DF_ERR_MANAGER_TOO_MANY_REQUESTS', message: 'x' }, '7', 'DF_ERR_MANAGER_TOO_MANY_REQUESTS', 'Too many requests: try again in 7 s.'],
    [503, { message: 'database unavailable, try again later' }, null, 'HTTP_503', 'The manager is unavailable: database unavailable, try again later.'],
    [502, undefined, null, 'HTTP_502', 'The manager failed (HTTP 502); see its log.'],
    [418, {}, null, 'HTTP_418', 'The request failed (HTTP 418).'],
  ])('%d %j → %s', (status, body, retry, code, message) => {
    const e = apiErrorOf(status, body, retry);
    expect(e.status).toBe(status);
    expect(e.code).toBe(code);
    expect(e.message).toBe(message);
  });

  it('names network failures', () => {
    expect(networkError(new TypeError('Failed to fetch')).message).toBe('Cannot reach the manager (Failed to fetch).');
  });
});
