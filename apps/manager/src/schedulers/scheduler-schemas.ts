import { pageQueryProperties } from '../rest/pagination.js';
import { clusterId, hostname, idParams, ip, port, timestamp, withErrors } from '../rest/schema-parts.js';

const features = { type: 'array', maxItems: 2, uniqueItems: true, items: { type: 'string', enum: ['schedule', 'preheat'] } } as const;
const state = { type: 'string', enum: ['active', 'inactive'] } as const;
const place = { type: 'string', maxLength: 1024 } as const;

export const scheduler = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    host_name: { type: 'string' },
    ip: { type: 'string' },
    idc: { type: 'string' },
    location: { type: 'string' },
    port: { type: 'integer' },
    state: { type: 'string' },
    features: { type: 'array', items: { type: 'string' } },
    last_keep_alive_at: { type: ['string', 'null'] },
    scheduler_cluster_id: { type: 'integer' },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const tags = ['schedulers'];
export const listSchedulersSchema = {
  tags,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { ...pageQueryProperties, host_name: hostname, ip, idc: place, location: place, state, scheduler_cluster_id: clusterId },
  },
  response: withErrors({ 200: { type: 'array', items: scheduler } }),
} as const;
export const getSchedulerSchema = { tags, params: idParams, response: withErrors({ 200: scheduler }) } as const;
export const createSchedulerSchema = {
  tags,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['host_name', 'ip', 'port', 'scheduler_cluster_id'],
    properties: {
      host_name: hostname,
      ip,
      port,
      idc: { ...place, default: '' },
      location: { ...place, default: '' },
      features: { ...features, default: ['schedule'] },
      scheduler_cluster_id: clusterId,
    },
  },
  response: withErrors({ 201: scheduler }),
} as const;
export const updateSchedulerSchema = {
  tags,
  params: idParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { ip, port, idc: place, location: place, features, state, scheduler_cluster_id: clusterId },
  },
  response: withErrors({ 200: scheduler }),
} as const;
export const deleteSchedulerSchema = { tags, params: idParams, response: withErrors({ 204: { type: 'null' } }) } as const;
