import { pageQueryProperties } from '../rest/pagination.js';
import { blockList, clusterId, idParams, longText, name, shortText, timestamp, withErrors } from '../rest/schema-parts.js';

export const schedulerClusterConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['candidate_parent_limit', 'filter_parent_limit'],
  properties: {
    candidate_parent_limit: { type: 'integer', minimum: 1, maximum: 20 },
    filter_parent_limit: { type: 'integer', minimum: 10, maximum: 1000 },
    job_rate_limit: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 10 },
  },
} as const;

export const clientConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['load_limit'],
  properties: {
    load_limit: { type: 'integer', minimum: 1, maximum: 50_000 },
    concurrent_piece_count: { type: 'integer', minimum: 1, maximum: 50 },
    block_list: blockList,
  },
} as const;

const seedClientConfig = {
  type: 'object',
  additionalProperties: false,
  properties: { load_limit: { type: 'integer', minimum: 1, maximum: 50_000 }, block_list: blockList },
} as const;

export const scopesSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    idc: { type: 'string', maxLength: 1024 },
    location: { type: 'string', maxLength: 1024 },
    cidrs: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 64 } },
    hostnames: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 1024 } },
  },
} as const;

const clusterIds = { type: 'array', maxItems: 1000, uniqueItems: true, items: clusterId } as const;

export const schedulerCluster = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    bio: { type: 'string' },
    config: schedulerClusterConfigSchema,
    client_config: clientConfigSchema,
    seed_client_config: seedClientConfig,
    scopes: scopesSchema,
    is_default: { type: 'boolean' },
    seed_peer_cluster_ids: { type: 'array', items: { type: 'integer' } },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

export const listSchedulerClustersSchema = {
  tags: ['scheduler-clusters'],
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, name: shortText } },
  response: withErrors({ 200: { type: 'array', items: schedulerCluster } }),
} as const;

export const getSchedulerClusterSchema = { tags: ['scheduler-clusters'], params: idParams, response: withErrors({ 200: schedulerCluster }) } as const;

export const createSchedulerClusterSchema = {
  tags: ['scheduler-clusters'],
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'config', 'client_config'],
    properties: {
      name,
      bio: { ...longText, default: '' },
      config: schedulerClusterConfigSchema,
      client_config: clientConfigSchema,
      seed_client_config: { ...seedClientConfig, default: {} },
      scopes: { ...scopesSchema, default: {} },
      is_default: { type: 'boolean', default: false },
      seed_peer_cluster_ids: clusterIds,
    },
  },
  response: withErrors({ 201: schedulerCluster }),
} as const;

export const updateSchedulerClusterSchema = {
  tags: ['scheduler-clusters'],
  params: idParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name,
      bio: longText,
      config: schedulerClusterConfigSchema,
      client_config: clientConfigSchema,
      seed_client_config: seedClientConfig,
      scopes: scopesSchema,
      is_default: { type: 'boolean' },
      seed_peer_cluster_ids: clusterIds,
    },
  },
  response: withErrors({ 200: schedulerCluster }),
} as const;

export const deleteSchedulerClusterSchema = { tags: ['scheduler-clusters'], params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
