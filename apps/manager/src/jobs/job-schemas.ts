import { pageQueryProperties } from '../rest/pagination.js';
import { clusterId, idParams, longText, shortText, timestamp, withErrors } from '../rest/schema-parts.js';

// Request bodies are closed (additionalProperties: false); header values may not hold CR, LF or NUL
// (the egress client checks again before any request).

const url = { type: 'string', minLength: 1, maxLength: 4096 } as const;
const headers = {
  type: 'object',
  maxProperties: 32,
  propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$" },
  additionalProperties: { type: 'string', maxLength: 8192, pattern: '^[^\\r\\n\\u0000]*$' },
} as const;
const seconds = { type: 'integer', minimum: 1, maximum: 86_400 } as const;

const preheatArgs = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'url'],
  properties: {
    type: { type: 'string', enum: ['image', 'file'] },
    url,
    urls: { type: 'array', maxItems: 10_000, items: url },
    platform: { type: 'string', maxLength: 100 },
    scope: { type: 'string', enum: ['single_seed_peer', 'all_seed_peers', 'all_peers'] },
    headers,
    username: { type: 'string', maxLength: 255 },
    password: { type: 'string', maxLength: 4096 },
    tag: shortText,
    application: shortText,
    filtered_query_params: { type: 'string', maxLength: 4096 },
    piece_length: { type: 'integer', minimum: 1 },
    ips: { type: 'array', maxItems: 100_000, items: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] } },
    count: { type: 'integer', minimum: 1, maximum: 100_000 },
    percentage: { type: 'integer', minimum: 1, maximum: 100 },
    concurrent_task_count: { type: 'integer', minimum: 1, maximum: 100 },
    concurrent_peer_count: { type: 'integer', minimum: 1, maximum: 1000 },
    timeout: seconds,
  },
} as const;

const taskArgs = {
  type: 'object',
  additionalProperties: false,
  properties: {
    task_id: { type: 'string', maxLength: 64 },
    url,
    tag: shortText,
    application: shortText,
    filtered_query_params: { type: 'string', maxLength: 4096 },
    piece_length: { type: 'integer', minimum: 1 },
    content_for_calculating_task_id: { type: 'string', maxLength: 4096 },
    concurrent_peer_count: { type: 'integer', minimum: 1, maximum: 1000 },
    timeout: seconds,
  },
} as const;

const peerProgress = {
  type: 'object',
  properties: {
    hostname: { type: 'string' },
    ip: { type: 'string' },
    port: { type: 'integer' },
    scheduler_cluster_id: { type: 'integer' },
    state: { type: 'string' },
    total_tasks: { type: 'integer' },
    finished_tasks: { type: 'integer' },
    failed_tasks: { type: 'integer' },
    downloaded_bytes: { type: 'integer' },
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { task_id: { type: 'string' }, url: { type: 'string' }, state: { type: 'string' }, content_length: { type: 'integer' }, piece_count: { type: 'integer' } },
      },
    },
    error: { type: 'string' },
  },
} as const;

/** A job as answered: args never hold a password; header values are redacted. */
export const job = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    task_id: { type: 'string' },
    bio: { type: 'string' },
    type: { type: 'string' },
    state: { type: 'string' },
    // Serialised with an explicit list of fields: a password can never slip through.
    args: {
      type: 'object',
      properties: {
        ...Object.fromEntries(Object.entries(preheatArgs.properties).filter(([k]) => k !== 'password' && k !== 'headers')),
        ...Object.fromEntries(Object.entries(taskArgs.properties)),
        headers: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    result: {
      type: 'object',
      properties: {
        reason: { type: 'string' },
        urls: { type: 'array', items: { type: 'string' } },
        task_id: { type: 'string' },
        peers: { type: 'array', items: peerProgress },
        warnings: { type: 'array', items: { type: 'string' } },
        started_at: timestamp,
        finished_at: timestamp,
      },
    },
    user_id: { type: ['integer', 'null'] },
    scheduler_cluster_ids: { type: 'array', items: { type: 'integer' } },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['jobs'];
export const createJobSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'args'],
    properties: {
      type: { type: 'string', enum: ['preheat', 'get_task', 'delete_task'] },
      bio: longText,
      args: { type: 'object' },
      scheduler_cluster_ids: { type: 'array', maxItems: 100, items: clusterId },
      // Upstream clients send user_id; the caller is the user, so it is accepted and ignored.
      user_id: { type: 'integer' },
    },
    if: { properties: { type: { const: 'preheat' } } },
    then: { properties: { args: preheatArgs } },
    else: { properties: { args: taskArgs } },
  },
  response: withErrors({ 201: job }),
} as const;

export const listJobsSchema = {
  tags,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ...pageQueryProperties,
      type: { type: 'string', enum: ['preheat', 'get_task', 'delete_task'] },
      state: { type: 'string', enum: ['PENDING', 'RUNNING', 'SUCCESS', 'FAILURE'] },
      user_id: { type: 'integer', minimum: 1 },
    },
  },
  response: withErrors({ 200: { type: 'array', items: job } }),
} as const;
export const getJobSchema = { tags, params: idParams, response: withErrors({ 200: job }) } as const;
export const deleteJobSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
