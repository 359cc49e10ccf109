import { describe, expect, it } from 'vitest';
import { checkSchemaSubset, firstViolation, type JsonSchema } from './json-schema';

const message = (schema: JsonSchema, value: unknown) => {
  const v = firstViolation(schema, value);
  return v && `${v.path} ${v.message}`;
};

describe('firstViolation', () => {
  it('states number ranges the way people write them', () => {
    expect(message({ type: 'number', minimum: 0, exclusiveMaximum: 1 }, 1)).toBe(' must be in [0, 1), got 1');
    expect(message({ type: 'number', exclusiveMinimum: 0, maximum: 2 }, 0)).toBe(' must be in (0, 2], got 0');
    expect(message({ type: 'integer', minimum: 1 }, 0)).toBe(' must be at least 1, got 0');
    expect(message({ type: 'number', exclusiveMinimum: 0 }, 0)).toBe(' must be more than 0, got 0');
    expect(message({ type: 'integer' }, 1.5)).toBe(' must be a whole number, got 1.5');
    expect(message({ type: 'number', maximum: 3 }, 3)).toBeNull();
  });

  it('checks prefixItems before items, then uniqueness by value', () => {
    const list = { type: 'array', prefixItems: [{ const: 'a' }], items: { type: 'string', minLength: 1 }, uniqueItems: true };
    expect(message(list, ['a', 'b'])).toBeNull();
    expect(message(list, ['b'])).toBe('[0] must be "a", got "b"');
    expect(message(list, ['a', ''])).toBe('[1] must not be empty, got ""');
    expect(message(list, ['a', 'b', 'b'])).toBe(' lists "b" twice');
    expect(message({ type: 'array', uniqueItems: true }, [[1, 2], [1, 2]])).toBe(' lists [1, 2] twice');
  });

  it('names missing, unknown and badly named entries, resolving $ref through $defs', () => {
    const root = {
      type: 'object',
      required: ['a'],
      additionalProperties: false,
      properties: { a: { $ref: '#/$defs/map' } },
      $defs: { map: { type: 'object', propertyNames: { pattern: '^[a-z]+$', description: 'a lowercase word' }, additionalProperties: { type: 'integer' } } },
    };
    expect(message(root, {})).toBe('a is missing');
    expect(message(root, { a: {}, b: 1 })).toBe(' has unknown entries b; valid: a');
    expect(message(root, { a: { ok: 1, Bad: 2 } })).toBe('a entry "Bad" must be a lowercase word');
    expect(message(root, { a: { ok: 'x' } })).toBe('a.ok must be a whole number, got "x"');
    expect(message(root, { a: { ok: 1 } })).toBeNull();
  });

  it('words anyOf and pattern failures with the schema description', () => {
    const dim = { anyOf: [{ type: 'integer', minimum: 1 }, { enum: ['L'] }], description: 'a size or L' };
    expect(message(dim, 'Q')).toBe(' must be a size or L, got "Q"');
    expect(message(dim, 0)).toBe(' must be a size or L, got 0');
    expect(message(dim, 'L')).toBeNull();
  });
});

describe('checkSchemaSubset', () => {
  it('throws on a keyword it does not implement, or an unresolvable $ref, wherever they sit', () => {
    expect(() => checkSchemaSubset({ properties: { a: { items: { oneOf: [] } } } })).toThrow(/#\/properties\/a\/items uses "oneOf"/);
    expect(() => checkSchemaSubset({ properties: { a: { $ref: '#/$defs/missing' } } })).toThrow(/cannot resolve \$ref #\/\$defs\/missing/);
    expect(() => checkSchemaSubset({ type: 'object', $defs: { a: { type: 'string', pattern: '^x$' } } })).not.toThrow();
  });
});
