import { pageQueryProperties } from '../rest/pagination.js';
import { blockList, clusterId, idParams, longText, name, shortText, timestamp, withErrors } from '../rest/schema-parts.js';

export const seedPeerClusterConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['load_limit'],
  properties: { load_limit: { type: 'integer', minimum: 1, maximum: 50_000 }, block_list: blockList },
} as const;
const clusterIds = { type: 'array', maxItems: 1000, uniqueItems: true, items: clusterId } as const;

export const seedPeerCluster = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    bio: { type: 'string' },
    config: seedPeerClusterConfigSchema,
    scheduler_cluster_ids: { type: 'array', items: { type: 'integer' } },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['seed-peer-clusters'];
export const listSeedPeerClustersSchema = {
  tags,
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, name: shortText } },
  response: withErrors({ 200: { type: 'array', items: seedPeerCluster } }),
} as const;
export const getSeedPeerClusterSchema = { tags, params: idParams, response: withErrors({ 200: seedPeerCluster }) } as const;
export const createSeedPeerClusterSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'config'],
    properties: { name, bio: { ...longText, default: '' }, config: seedPeerClusterConfigSchema, scheduler_cluster_ids: clusterIds },
  },
  response: withErrors({ 201: seedPeerCluster }),
} as const;
export const updateSeedPeerClusterSchema = {
  tags,
  params: idParams,
  body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { name, bio: longText, config: seedPeerClusterConfigSchema, scheduler_cluster_ids: clusterIds } },
  response: withErrors({ 200: seedPeerCluster }),
} as const;
export const deleteSeedPeerClusterSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
