import type { RouteOptions } from 'fastify';

/** What the route table keeps of each route: enough for the OpenAPI document and the auth test. */
export interface RouteRecord {
  method: string;
  url: string;
  access: string | undefined;
  patScope: string | undefined;
  schema: Record<string, unknown> | undefined;
}

export function recordOf(route: RouteOptions): RouteRecord[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config ?? {}) as { access?: string; patScope?: string };
  return methods.map((method) => ({
    method: String(method),
    url: route.url,
    access: config.access,
    patScope: config.patScope,
    schema: route.schema as Record<string, unknown> | undefined,
  }));
}

/** OpenAPI 3.1 built from the routes' own JSON schemas, so the document cannot drift from what is enforced. */
export function openApiDocument(routes: readonly RouteRecord[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.method === 'HEAD' || r.method === 'OPTIONS') continue;
    const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = r.schema ?? {};
    const parameters: Record<string, unknown>[] = [];
    for (const [where, key] of [
      ['path', 'params'],
      ['query', 'querystring'],
    ] as const) {
      const s = schema[key] as { properties?: Record<string, unknown>; required?: string[] } | undefined;
      for (const [name, propSchema] of Object.entries(s?.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: propSchema });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [code, body] of Object.entries((schema.response as Record<string, unknown> | undefined) ?? { 200: {} })) {
      responses[code] = code === '204' ? { description: 'No content' } : { description: code, content: { 'application/json': { schema: body } } };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      ...(schema.tags === undefined ? {} : { tags: schema.tags }),
      parameters,
      ...(schema.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: schema.body } } } }),
      responses,
      security: r.access === 'public' ? [] : r.patScope !== undefined ? [{ personalAccessToken: [] }] : [{ jwt: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: {
      securitySchemes: {
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        personalAccessToken: { type: 'http', scheme: 'bearer', description: 'dfp_<id>_<secret>, on /oapi/v1 routes' },
      },
    },
    paths,
  };
}
