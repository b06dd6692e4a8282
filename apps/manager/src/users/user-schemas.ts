import { pageQueryProperties } from '../rest/pagination.js';
import { idParams, longText, shortText, timestamp, withErrors } from '../rest/schema-parts.js';

const userName = { type: 'string', minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' } as const;
const password = { type: 'string', minLength: 8, maxLength: 128 } as const;
const roles = { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'string', enum: ['root', 'guest'] } } as const;
const profile = {
  email: { type: 'string', maxLength: 255 },
  bio: longText,
  avatar: { type: 'string', maxLength: 1024 },
  phone: { type: 'string', maxLength: 64 },
  location: shortText,
} as const;

/** What any reader of a user gets: no password hash, no token version. */
export const user = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    ...profile,
    state: { type: 'string' },
    must_change_password: { type: 'boolean' },
    roles: { type: 'array', items: { type: 'string' } },
    created_at: timestamp,
    updated_at: timestamp,
  },
} as const;

const issuedToken = { type: 'object', properties: { token: { type: 'string' }, expire: { type: 'string' } } } as const;
const tags = ['users'];

export const signInSchema = {
  tags,
  security: [],
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'password'],
    // Limits here only bound the work; wrong shapes still answer like a wrong password would not leak.
    properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 128 } },
  },
  response: withErrors({ 200: issuedToken }),
} as const;
export const refreshTokenSchema = { tags, response: withErrors({ 200: issuedToken }) } as const;
export const signOutSchema = { tags, response: withErrors({ 204: { type: 'null' } }) } as const;
export const listUsersSchema = {
  tags,
  querystring: { type: 'object', additionalProperties: false, properties: { ...pageQueryProperties, name: shortText, state: { type: 'string', enum: ['enable', 'disable'] } } },
  response: withErrors({ 200: { type: 'array', items: user } }),
} as const;
export const getUserSchema = { tags, params: idParams, response: withErrors({ 200: user }) } as const;
export const createUserSchema = {
  tags,
  body: { type: 'object', additionalProperties: false, required: ['name', 'password'], properties: { name: userName, password, ...profile, roles } },
  response: withErrors({ 201: user }),
} as const;
export const updateUserSchema = {
  tags,
  params: idParams,
  body: { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...profile, state: { type: 'string', enum: ['enable', 'disable'] } } },
  response: withErrors({ 200: user }),
} as const;
export const resetPasswordSchema = {
  tags,
  params: idParams,
  body: { type: 'object', additionalProperties: false, required: ['new_password'], properties: { old_password: { type: 'string', maxLength: 128 }, new_password: password } },
  response: withErrors({ 204: { type: 'null' } }),
} as const;
const roleParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'role'],
  properties: { id: idParams.properties.id, role: { type: 'string', enum: ['root', 'guest'] } },
} as const;
export const getUserRolesSchema = { tags, params: idParams, response: withErrors({ 200: { type: 'array', items: { type: 'string' } } }) } as const;
export const putUserRoleSchema = { tags, params: roleParams, response: withErrors({ 204: { type: 'null' } }) } as const;
export const deleteUserRoleSchema = putUserRoleSchema;
