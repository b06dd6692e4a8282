import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { deepFreeze } from './deep-freeze.js';

export interface LoadConfigOptions {
  /** A missing file is not an error: the schema's defaults apply (validates `{}`). */
  optional?: boolean;
  /**
   * Environment overrides: `<prefix>_<KEY>__<NESTED_KEY>` sets `key.nestedKey`. Segments match the
   * schema's keys case-insensitively with '_' ignored (`BANDWIDTH_LIMIT` → `bandwidthLimit`); values
   * are read as YAML scalars. A variable with the prefix that names no key is an error.
   */
  env?: { prefix: string; vars?: Readonly<Record<string, string | undefined>> };
}

type Schema = z.ZodType;

/** Reads a YAML file, validates it against `schema` (unknown keys are errors), fills defaults, deep-freezes. */
export function loadConfig<S extends Schema>(file: string, schema: S, opts: LoadConfigOptions = {}): Readonly<z.output<S>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.optional === true) return validate({}, schema, file, opts);
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the file: ${reason}` }]);
  }
  return parseConfig(text, schema, file, opts);
}

/** Same as loadConfig, from YAML text. */
export function parseConfig<S extends Schema>(text: string, schema: S, file = '<inline>', opts: LoadConfigOptions = {}): Readonly<z.output<S>> {
  // Duplicate keys are errors (uniqueKeys); toJS({ maxAliasCount }) bounds alias expansion ("billion laughs").
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        path: '',
        message: `YAML syntax error: ${firstLine(e.message)}`,
        ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}),
      };
    }));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: `YAML error: ${firstLine((err as Error).message)}` }]);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: '', expected: 'a mapping of keys to values', received: describeValue(data, ''), message: `expected a mapping of keys to values, found ${describeValue(data, '')}` }]);
  }
  return validate(data, schema, file, opts);
}

function validate<S extends Schema>(data: unknown, schema: S, file: string, opts: LoadConfigOptions): Readonly<z.output<S>> {
  const issues: ConfigIssue[] = [];
  if (opts.env !== undefined) applyEnv(data as Record<string, unknown>, schema, opts.env, issues);
  // Schemas built with z.object() strip unknown keys silently; a typo in a config file must not pass.
  findUnknownKeys(schema, data, [], issues);
  const result = schema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...toConfigIssues(issue, data));
  }
  if (issues.length > 0) throw new ConfigError(file, dedupe(issues));
  return deepFreeze(result.data as z.output<S>);
}

// ---- zod issues → ConfigIssue ---------------------------------------------------------------

type ZodIssue = z.core.$ZodIssue;

function toConfigIssues(issue: ZodIssue, data: unknown): ConfigIssue[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => unknownKeyIssue([...path, key], undefined));
  }
  const value = valueAt(data, path);
  const missing = value === undefined;
  const received = missing ? 'nothing (the key is missing)' : describeValue(value, lastKey(path));
  const expected = expectedOf(issue);
  const message = expected !== undefined
    ? `expected ${expected}, found ${received}${issue.code === 'custom' && !missing ? ` (${issue.message})` : ''}`
    : `${issue.message}, found ${received}`;
  return [{ path: formatPath(path), ...(expected !== undefined ? { expected } : {}), received, message }];
}

function expectedOf(issue: ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
    case 'too_small':
      return `${issue.origin === 'string' ? 'a string of length' : issue.origin === 'array' ? 'a list of length' : `a ${issue.origin}`} ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'string' ? 'a string of length' : issue.origin === 'array' ? 'a list of length' : `a ${issue.origin}`} ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' ? `a string matching ${issue.pattern ?? 'the pattern'}` : `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'custom': {
      const expected: unknown = issue.params?.['expected'];
      return typeof expected === 'string' ? expected : undefined;
    }
    case 'invalid_union':
      return firstUnionExpectation(issue) ?? 'one of the allowed forms';
    case 'invalid_key':
    case 'invalid_element':
    case 'unrecognized_keys':
      return undefined;
    default:
      return undefined;
  }
}

function firstUnionExpectation(issue: z.core.$ZodIssueInvalidUnion): string | undefined {
  // Our duration()/byteSize() unions carry their expectation in the union's message.
  return issue.message.startsWith('expected ') ? issue.message.slice('expected '.length) : undefined;
}

function unknownKeyIssue(path: PropertyKey[], known: string[] | undefined): ConfigIssue {
  const expected = known !== undefined && known.length > 0 ? `one of the known keys: ${known.join(', ')}` : 'no such key';
  return { path: formatPath(path), expected, received: 'an unknown key', message: `unknown key (expected ${expected})` };
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\0${i.received ?? ''}\0${i.message.startsWith('unknown key') ? 'unknown' : i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- schema walking (unknown keys, env overrides) -------------------------------------------

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  element?: Schema;
  valueType?: Schema;
  getter?: () => Schema;
}

function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object shape a schema expects at this level, looking through wrappers; undefined if not an object. */
function objectOf(schema: Schema): { shape: Record<string, Schema>; closed: boolean } | undefined {
  const def = defOf(unwrap(schema));
  if (def.type !== 'object' || def.shape === undefined) return undefined;
  // z.object() (no catchall, strips) and z.strictObject() (catchall never) are closed;
  // z.looseObject() or .catchall(x) deliberately accept extra keys.
  const closed = def.catchall === undefined || defOf(def.catchall).type === 'never';
  return { shape: def.shape, closed };
}

function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(current);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success'].includes(def.type) && def.innerType !== undefined) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      current = defOf(def.in).type === 'transform' && def.out !== undefined ? def.out : def.in;
    } else if (def.type === 'lazy' && def.getter !== undefined) {
      current = def.getter();
    } else {
      return current;
    }
  }
  return current;
}

function findUnknownKeys(schema: Schema, data: unknown, path: PropertyKey[], issues: ConfigIssue[]): void {
  if (data === null || typeof data !== 'object') return;
  const inner = unwrap(schema);
  const def = defOf(inner);
  if (Array.isArray(data)) {
    if (def.type === 'array' && def.element !== undefined) data.forEach((item, i) => findUnknownKeys(def.element as Schema, item, [...path, i], issues));
    return;
  }
  if (def.type === 'record' && def.valueType !== undefined) {
    for (const [key, value] of Object.entries(data)) findUnknownKeys(def.valueType, value, [...path, key], issues);
    return;
  }
  const object = objectOf(inner);
  if (object === undefined) return;
  for (const [key, value] of Object.entries(data)) {
    const child = object.shape[key];
    if (child === undefined) {
      // Strict objects also report it through zod; dedupe() keeps this version, which lists the known keys.
      if (object.closed) issues.push(unknownKeyIssue([...path, key], Object.keys(object.shape)));
      continue;
    }
    findUnknownKeys(child, value, [...path, key], issues);
  }
}

function applyEnv(data: Record<string, unknown>, schema: Schema, env: NonNullable<LoadConfigOptions['env']>, issues: ConfigIssue[]): void {
  const vars = env.vars ?? process.env;
  const prefix = `${env.prefix}_`;
  for (const [name, raw] of Object.entries(vars)) {
    if (!name.startsWith(prefix) || raw === undefined) continue;
    const segments = name.slice(prefix.length).split('__');
    let node: Schema = schema;
    let target: Record<string, unknown> = data;
    const path: string[] = [];
    let ok = true;
    for (const [i, segment] of segments.entries()) {
      const object = objectOf(node);
      const key = object === undefined ? undefined : Object.keys(object.shape).find((k) => normalise(k) === normalise(segment));
      if (object === undefined || key === undefined) {
        issues.push({ path: [...path, segment].join('.'), expected: 'a known config key', received: `environment variable ${name}`, message: `environment variable ${name} names no config key` });
        ok = false;
        break;
      }
      path.push(key);
      node = object.shape[key] as Schema;
      if (i === segments.length - 1) {
        target[key] = parseScalar(raw);
      } else {
        const next = target[key];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
        target = target[key] as Record<string, unknown>;
      }
    }
    if (!ok) continue;
  }
}

function normalise(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

function parseScalar(raw: string): unknown {
  const doc = parseDocument(raw);
  if (doc.errors.length > 0) return raw;
  const value: unknown = doc.toJS();
  return value === null || typeof value === 'object' ? raw : value;
}

// ---- describing values and paths ------------------------------------------------------------

// Values under these keys are never echoed in error messages.
const SECRET_KEY = /(password|passwd|secret|token|credential|private|^key$|keypem|apikey|authorization|cookie)/i;

function describeValue(value: unknown, key: string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'a mapping';
  const type = typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'string' : typeof value;
  if (SECRET_KEY.test(key)) return `a ${type} (value hidden)`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)}`;
  return `the ${type} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function lastKey(path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : '';
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
