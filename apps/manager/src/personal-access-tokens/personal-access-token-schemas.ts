import { pageQueryProperties } from '../rest/pagination.js';
import { idParams, longText, shortText, timestamp, withErrors } from '../rest/schema-parts.js';

const scopes = { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'string', enum: ['job', 'cluster'] } } as const;

/** Listed tokens never carry the secret nor its hash. */
export const personalAccessToken = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    bio: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    state: { type: 'string' },
    expired_at: timestamp,
    last_used_at: { type: ['string', 'null'] },
    user_id: { type: 'integer' },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['personal-access-tokens'];
export const listTokensSchema = {
  tags,
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, user_id: idParams.properties.id } },
  response: withErrors({ 200: { type: 'array', items: personalAccessToken } }),
} as const;
export const getTokenSchema = { tags, params: idParams, response: withErrors({ 200: personalAccessToken }) } as const;
export const createTokenSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scopes', 'expired_at'],
    properties: { name: { ...shortText, minLength: 1 }, bio: longText, scopes, expired_at: { type: 'string', format: 'date-time' } },
  },
  // The one response that carries the token: shown once.
  response: withErrors({ 201: { ...personalAccessToken, properties: { ...personalAccessToken.properties, token: { type: 'string' } } } }),
} as const;
export const updateTokenSchema = {
  tags,
  params: idParams,
  body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name: { ...shortText, minLength: 1 }, bio: longText, state: { type: 'string', enum: ['active', 'inactive'] } } },
  response: withErrors({ 200: personalAccessToken }),
} as const;
export const deleteTokenSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
