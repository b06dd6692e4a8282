// JSON-schema fragments shared by the resource schemas. Every object schema is closed
// (additionalProperties: false) so a body cannot smuggle fields (a user making itself root).

export const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
} as const;

export const errorResponse = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' } },
} as const;

export const timestamp = { type: 'string', maxLength: 32 } as const;
export const shortText = { type: 'string', maxLength: 255 } as const;
export const longText = { type: 'string', maxLength: 4096 } as const;
export const name = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' } as const;
export const hostname = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' } as const;
export const ip = { type: 'string', minLength: 2, maxLength: 64, anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] } as const;
export const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
export const clusterId = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;
export const url = { type: 'string', maxLength: 1024 } as const;

/** Block list shape (upstream §4.8) for client configs. */
const blockListRule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    applications: { type: 'array', maxItems: 1000, items: shortText },
    urls: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 1024 } },
    tags: { type: 'array', maxItems: 1000, items: shortText },
    priorities: { type: 'array', maxItems: 7, items: { type: 'integer', minimum: 0, maximum: 6 } },
  },
} as const;
const taskBlockList = {
  type: 'object',
  additionalProperties: false,
  properties: { download: blockListRule, upload: blockListRule },
} as const;
export const blockList = {
  type: 'object',
  additionalProperties: false,
  properties: { task: taskBlockList, persistent_task: taskBlockList, persistent_cache_task: taskBlockList },
} as const;

export function withErrors<T extends Record<number, unknown>>(ok: T): T & Record<400 | 401 | 403 | 404 | 409 | 429 | 503, typeof errorResponse> {
  return { ...ok, 400: errorResponse, 401: errorResponse, 403: errorResponse, 404: errorResponse, 409: errorResponse, 429: errorResponse, 503: errorResponse };
}
