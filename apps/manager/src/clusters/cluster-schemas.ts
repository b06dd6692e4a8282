import { pageQueryProperties } from '../rest/pagination.js';
import { idParams, longText, name, shortText, timestamp, withErrors } from '../rest/schema-parts.js';
import { clientConfigSchema, schedulerClusterConfigSchema, scopesSchema } from '../scheduler-clusters/scheduler-cluster-schemas.js';
import { seedPeerClusterConfigSchema } from '../seed-peer-clusters/seed-peer-cluster-schemas.js';

export const cluster = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    bio: { type: 'string' },
    scopes: scopesSchema,
    scheduler_cluster_id: { type: 'integer' },
    seed_peer_cluster_id: { type: ['integer', 'null'] },
    scheduler_cluster_config: schedulerClusterConfigSchema,
    seed_peer_cluster_config: { anyOf: [seedPeerClusterConfigSchema, { type: 'null' }] },
    peer_cluster_config: clientConfigSchema,
    is_default: { type: 'boolean' },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['clusters'];
export const listClustersSchema = {
  tags,
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, name: shortText } },
  response: withErrors({ 200: { type: 'array', items: cluster } }),
} as const;
export const getClusterSchema = { tags, params: idParams, response: withErrors({ 200: cluster }) } as const;
export const createClusterSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scheduler_cluster_config', 'seed_peer_cluster_config', 'peer_cluster_config'],
    properties: {
      name,
      bio: { ...longText, default: '' },
      scopes: { ...scopesSchema, default: {} },
      scheduler_cluster_config: schedulerClusterConfigSchema,
      seed_peer_cluster_config: seedPeerClusterConfigSchema,
      peer_cluster_config: clientConfigSchema,
      is_default: { type: 'boolean', default: false },
    },
  },
  response: withErrors({ 201: cluster }),
} as const;
export const updateClusterSchema = {
  tags,
  params: idParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name,
      bio: longText,
      scopes: scopesSchema,
      scheduler_cluster_config: schedulerClusterConfigSchema,
      seed_peer_cluster_config: seedPeerClusterConfigSchema,
      peer_cluster_config: clientConfigSchema,
      is_default: { type: 'boolean' },
    },
  },
  response: withErrors({ 200: cluster }),
} as const;
export const deleteClusterSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
