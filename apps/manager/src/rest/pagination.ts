import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageRequest, PageResult } from '../db/page.js';

export const MAX_PER_PAGE = 100;

/** Query string properties every listing accepts; per_page over MAX_PER_PAGE is a 400. */
export const pageQueryProperties = {
  page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 },
  per_page: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: 10 },
} as const;

export function pageOf(query: { page?: number; per_page?: number }): PageRequest {
  return { page: query.page ?? 1, perPage: query.per_page ?? 10 };
}

/** Sets X-Total-Count and an RFC 8288 Link header (first/prev/next/last) as upstream does, and answers the items. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: PageRequest, result: PageResult<T>): T[] {
  const last = Math.max(1, Math.ceil(result.total / page.perPage));
  const url = new URL(request.url, 'http://x');
  const link = (p: number, rel: string): string => {
    url.searchParams.set('page', String(p));
    url.searchParams.set('per_page', String(page.perPage));
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first')];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, last), 'prev'));
  if (page.page < last) links.push(link(page.page + 1, 'next'));
  links.push(link(last, 'last'));
  void reply.header('x-total-count', String(result.total)).header('link', links.join(', '));
  return result.items;
}
