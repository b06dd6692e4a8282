import { describe, expect, it } from 'vitest';
import { href, pageNumber, parseRoute, withQuery } from './router.js';

describe('router', () => {
  it.each([
    ['', { page: 'overview', params: [] }],
    ['#/', { page: 'overview', params: [] }],
    ['#/jobs', { page: 'jobs', params: [] }],
    ['#/jobs/12', { page: 'jobs', params: ['12'] }],
    ['#/clusters/3/?x=1', { page: 'clusters', params: ['3'] }],
    ['#/a%2Fb', { page: 'a/b', params: [] }],
  ])('parses %s', (hash, want) => {
    const r = parseRoute(hash);
    expect({ page: r.page, params: r.params }).toEqual(want);
  });

  it('reads and writes the query after the path', () => {
    expect(parseRoute('#/jobs?page=3&x=1').query.get('page')).toBe('3');
    expect(withQuery('#/jobs', { page: 2 })).toBe('#/jobs?page=2');
    expect(withQuery('#/jobs?page=2&state=x', { page: undefined })).toBe('#/jobs?state=x');
    expect(pageNumber(new URLSearchParams('page=4'))).toBe(4);
    for (const bad of ['page=0', 'page=-1', 'page=1.5', 'page=x', '']) expect(pageNumber(new URLSearchParams(bad))).toBe(1);
  });

  it('builds links that parse back', () => {
    expect(href('jobs', 12)).toBe('#/jobs/12');
    expect(parseRoute(href('users', 'a/b'))).toMatchObject({ page: 'users', params: ['a/b'] });
  });
});
