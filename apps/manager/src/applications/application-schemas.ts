import { pageQueryProperties } from '../rest/pagination.js';
import { idParams, longText, name, shortText, timestamp, url, withErrors } from '../rest/schema-parts.js';

// priority.value is common.v2.Priority: LEVEL0 … LEVEL6.
const level = { type: 'integer', minimum: 0, maximum: 6 } as const;
const priority = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: {
    value: level,
    urls: {
      type: 'array',
      maxItems: 100,
      items: { type: 'object', additionalProperties: false, required: ['regex', 'value'], properties: { regex: { type: 'string', minLength: 1, maxLength: 1024 }, value: level } },
    },
  },
} as const;

export const application = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    url: { type: 'string' },
    bio: { type: 'string' },
    priority,
    user_id: { type: ['integer', 'null'] },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['applications'];
export const listApplicationsSchema = {
  tags,
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, name: shortText } },
  response: withErrors({ 200: { type: 'array', items: application } }),
} as const;
export const getApplicationSchema = { tags, params: idParams, response: withErrors({ 200: application }) } as const;
export const createApplicationSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'priority'],
    properties: { name, url: { ...url, default: '' }, bio: { ...longText, default: '' }, priority },
  },
  response: withErrors({ 201: application }),
} as const;
export const updateApplicationSchema = {
  tags,
  params: idParams,
  body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name, url, bio: longText, priority } },
  response: withErrors({ 200: application }),
} as const;
export const deleteApplicationSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
