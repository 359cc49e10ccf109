/**
 * The part of JSON Schema (draft 2020-12) that docs/model-pack.schema.json uses, checked with messages a user can act
 * on ("sampler.solvers[0] must be one of "euler", "heun", got "rk4""). Python checks the same file with the
 * jsonschema package; training/fixtures/manifest-refusals.json holds both to the same refusals. A keyword outside
 * this subset throws, so the schema cannot grow a rule this reader would silently skip.
 *
 * Where a schema has a `description`, it words the failures of that schema's own value checks ("must be <description>").
 */

export type JsonSchema = { readonly [keyword: string]: unknown };

/** The first problem found, depth-first in schema order; `path` is '' for the document itself. */
export interface SchemaViolation {
  path: string;
  message: string;
}

const ANNOTATIONS = new Set(['$schema', '$id', '$comment', '$defs', 'title', 'description']);
const CHECKS = new Set([
  '$ref', 'type', 'enum', 'const', 'anyOf', 'properties', 'required', 'additionalProperties', 'propertyNames',
  'prefixItems', 'items', 'minItems', 'maxItems', 'uniqueItems', 'minLength', 'pattern',
  'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum',
]); // prettier-ignore

const TYPE_NAMES: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

/** A value as the user wrote it, lists and objects with a space after each comma; long ones shortened. */
export function show(value: unknown): string {
  const text = Array.isArray(value) ? `[${value.map(show).join(', ')}]` : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'null': return value === null;
    default: return typeof value === type;
  }
} // prettier-ignore

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** minimum/maximum and their exclusive forms as one range: "must be in [0, 1)", "must be at least 1". */
function rangeMessage(schema: JsonSchema, value: number): string | null {
  const { minimum: min, exclusiveMinimum: xmin, maximum: max, exclusiveMaximum: xmax } = schema as Record<string, number | undefined>;
  const low = min !== undefined ? value >= min : xmin !== undefined ? value > xmin : true;
  const high = max !== undefined ? value <= max : xmax !== undefined ? value < xmax : true;
  if (low && high) return null;
  const lower = min ?? xmin;
  const upper = max ?? xmax;
  if (lower !== undefined && upper !== undefined) return `must be in ${min !== undefined ? '[' : '('}${lower}, ${upper}${max !== undefined ? ']' : ')'}`;
  if (lower !== undefined) return min !== undefined ? `must be at least ${lower}` : `must be more than ${lower}`;
  return max !== undefined ? `must be at most ${upper}` : `must be less than ${upper}`;
}

/** Checks of the value itself (not its children); returns the reason it fails, or null. */
function valueProblem(schema: JsonSchema, value: unknown, root: JsonSchema): string | null {
  const types = schema.type === undefined ? null : ([] as string[]).concat(schema.type as string | string[]);
  if (types && !types.some((t) => hasType(value, t))) return `must be ${types.map((t) => TYPE_NAMES[t]).join(' or ')}`;
  if (schema.const !== undefined && !equal(value, schema.const)) return `must be ${show(schema.const)}`;
  if (schema.enum && !(schema.enum as unknown[]).some((option) => equal(value, option))) {
    return `must be one of ${(schema.enum as unknown[]).map(show).join(', ')}`;
  }
  if (schema.anyOf && !(schema.anyOf as JsonSchema[]).some((branch) => firstViolation(branch, value, root) === null)) {
    return 'must match one of the allowed forms';
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < (schema.minLength as number)) return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, 'u').test(value)) return `must match ${schema.pattern}`;
  }
  if (typeof value === 'number') return rangeMessage(schema, value);
  if (Array.isArray(value)) {
    const plural = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) return `must list at least ${plural(schema.minItems as number)}`;
    if (schema.maxItems !== undefined && value.length > (schema.maxItems as number)) return `must list at most ${plural(schema.maxItems as number)}`;
  }
  return null;
}

function objectViolation(schema: JsonSchema, value: Record<string, unknown>, path: string, root: JsonSchema): SchemaViolation | null {
  for (const key of (schema.required as string[] | undefined) ?? []) {
    if (!Object.hasOwn(value, key)) return { path: childPath(path, key), message: 'is missing' };
  }
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  if (schema.additionalProperties === false) {
    const unknown = Object.keys(value).filter((key) => !Object.hasOwn(properties, key));
    if (unknown.length > 0) return { path, message: `has unknown entries ${unknown.join(', ')}; valid: ${Object.keys(properties).join(', ')}` };
  }
  for (const [key, item] of Object.entries(value)) {
    if (schema.propertyNames) {
      const bad = firstViolation(schema.propertyNames as JsonSchema, key, root);
      if (bad) return { path, message: `entry ${show(key)} ${bad.message.replace(/, got .*$/s, '')}` };
    }
    const sub = Object.hasOwn(properties, key) ? properties[key] : typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as JsonSchema) : null;
    const bad = sub ? firstViolation(sub, item, root, childPath(path, key)) : null;
    if (bad) return bad;
  }
  return null;
}

function arrayViolation(schema: JsonSchema, value: unknown[], path: string, root: JsonSchema): SchemaViolation | null {
  const prefix = (schema.prefixItems as JsonSchema[] | undefined) ?? [];
  for (const [i, item] of value.entries()) {
    const sub = i < prefix.length ? prefix[i] : (schema.items as JsonSchema | undefined);
    const bad = sub ? firstViolation(sub, item, root, childPath(path, i)) : null;
    if (bad) return bad;
  }
  if (schema.uniqueItems === true) {
    const twice = value.find((item, i) => value.findIndex((other) => equal(other, item)) !== i);
    if (twice !== undefined) return { path, message: `lists ${show(twice)} twice` };
  }
  return null;
}

/** The first way `value` breaks `schema` (root holds the `$defs` that `$ref: "#/$defs/…"` names), or null. */
export function firstViolation(schema: JsonSchema, value: unknown, root: JsonSchema = schema, path = ''): SchemaViolation | null {
  if (schema.$ref !== undefined) return firstViolation(resolveRef(root, schema.$ref as string), value, root, path);
  const problem = valueProblem(schema, value, root);
  if (problem !== null) {
    const reason = typeof schema.description === 'string' ? `must be ${schema.description}` : problem;
    return { path, message: `${reason}, got ${show(value)}` };
  }
  if (hasType(value, 'object')) return objectViolation(schema, value as Record<string, unknown>, path, root);
  if (Array.isArray(value)) return arrayViolation(schema, value, path, root);
  return null;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const match = /^#\/\$defs\/([^/]+)$/.exec(ref);
  const target = match ? (root.$defs as Record<string, JsonSchema> | undefined)?.[match[1]!] : undefined;
  if (!target) throw new Error(`schema: cannot resolve $ref ${ref} (only "#/$defs/<name>" is supported)`);
  return target;
}

/** Throws on a keyword this reader does not implement or a $ref it cannot resolve, anywhere in the schema. */
export function checkSchemaSubset(schema: JsonSchema, root: JsonSchema = schema, where = '#'): void {
  for (const [keyword, value] of Object.entries(schema)) {
    if (!ANNOTATIONS.has(keyword) && !CHECKS.has(keyword)) throw new Error(`schema: ${where} uses "${keyword}", which src/engine/pack/json-schema.ts does not implement`);
    if (keyword === '$ref') resolveRef(root, value as string);
    const children: [string, unknown][] =
      keyword === 'properties' || keyword === '$defs' ? Object.entries(value as object)
      : keyword === 'anyOf' || keyword === 'prefixItems' ? (value as unknown[]).map((v, i): [string, unknown] => [String(i), v])
      : ['items', 'propertyNames', 'additionalProperties'].includes(keyword) && typeof value === 'object' ? [['', value]]
      : []; // prettier-ignore
    for (const [key, child] of children) checkSchemaSubset(child as JsonSchema, root, `${where}/${keyword}${key ? `/${key}` : ''}`);
  }
}
