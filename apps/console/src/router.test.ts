import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router.js';

describe('router', () => {
  it.each([
    ['', { page: 'overview', params: [] }],
    ['#/', { page: 'overview', params: [] }],
    ['#/jobs', { page: 'jobs', params: [] }],
    ['#/jobs/12', { page: 'jobs', params: ['12'] }],
    ['#/clusters/3/?x=1', { page: 'clusters', params: ['3'] }],
    ['#/a%2Fb', { page: 'a/b', params: [] }],
  ])('parses %s', (hash, want) => expect(parseRoute(hash)).toEqual(want));

  it('builds links that parse back', () => {
    expect(href('jobs', 12)).toBe('#/jobs/12');
    expect(parseRoute(href('users', 'a/b'))).toEqual({ page: 'users', params: ['a/b'] });
  });
});
