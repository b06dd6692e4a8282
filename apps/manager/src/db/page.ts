/** One page of a listing: page counts from 1, perPage is bounded by the route schema. */
export interface PageRequest {
  page: number;
  perPage: number;
}

export interface PageResult<T> {
  items: T[];
  total: number;
}

export const offsetOf = (p: PageRequest): number => (p.page - 1) * p.perPage;

export const isoNow = (now: () => number): string => new Date(now()).toISOString();

/** Parses a JSON column; a corrupt document is a bug in whoever wrote it, so it throws. */
export function parseJsonColumn<T>(text: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`corrupt JSON in column ${column}`, { cause: err });
  }
}
