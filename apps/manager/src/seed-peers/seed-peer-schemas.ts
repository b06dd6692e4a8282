import { pageQueryProperties } from '../rest/pagination.js';
import { clusterId, hostname, idParams, ip, port, timestamp, withErrors } from '../rest/schema-parts.js';

const type = { type: 'string', enum: ['super', 'strong', 'weak'] } as const;
const state = { type: 'string', enum: ['active', 'inactive'] } as const;
const place = { type: 'string', maxLength: 1024 } as const;

export const seedPeer = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    host_name: { type: 'string' },
    type: { type: 'string' },
    idc: { type: 'string' },
    location: { type: 'string' },
    ip: { type: 'string' },
    port: { type: 'integer' },
    download_port: { type: 'integer' },
    object_storage_port: { type: 'integer' },
    state: { type: 'string' },
    last_keep_alive_at: { type: ['string', 'null'] },
    seed_peer_cluster_id: { type: 'integer' },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['seed-peers'];
export const listSeedPeersSchema = {
  tags,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { ...pageQueryProperties, host_name: hostname, ip, state, seed_peer_cluster_id: clusterId },
  },
  response: withErrors({ 200: { type: 'array', items: seedPeer } }),
} as const;
export const getSeedPeerSchema = { tags, params: idParams, response: withErrors({ 200: seedPeer }) } as const;
export const createSeedPeerSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['host_name', 'ip', 'port', 'download_port', 'seed_peer_cluster_id'],
    properties: {
      host_name: hostname,
      type: { ...type, default: 'super' },
      idc: { ...place, default: '' },
      location: { ...place, default: '' },
      ip,
      port,
      download_port: port,
      object_storage_port: port,
      seed_peer_cluster_id: clusterId,
    },
  },
  response: withErrors({ 201: seedPeer }),
} as const;
export const updateSeedPeerSchema = {
  tags,
  params: idParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { type, idc: place, location: place, ip, port, download_port: port, object_storage_port: port, state, seed_peer_cluster_id: clusterId },
  },
  response: withErrors({ 200: seedPeer }),
} as const;
export const deleteSeedPeerSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
