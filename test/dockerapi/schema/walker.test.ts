import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSwagger, responseSchema, type SchemaObject, type SwaggerDocument } from './swagger.js';
import { childPath, errorsOf, formatViolations, validateValue } from './walker.js';

/** A hand-written document in docker's style: refs, allOf, x-nullable, enums, maps. */
const doc: SwaggerDocument = parseSwagger(`
definitions:
  Port:
    type: object
    required: [PrivatePort, Type]
    properties:
      IP: { type: string }
      PrivatePort: { type: integer, format: uint16, x-nullable: false }
      Type: { type: string, enum: [tcp, udp, sctp] }
  Resources:
    type: object
    properties:
      Memory: { type: integer, format: int64 }
  HostConfig:
    allOf:
      - $ref: "#/definitions/Resources"
      - type: object
        properties:
          Binds: { type: array, items: { type: string } }
  Health:
    type: object
    x-nullable: true
    properties:
      Status: { type: string }
  Loop:
    type: object
    properties:
      Next: { $ref: "#/definitions/Loop" }
paths:
  /things/{id}/json:
    get:
      responses:
        200:
          schema:
            type: object
            properties:
              Ports: { type: array, items: { $ref: "#/definitions/Port" }, maxItems: 2 }
              Labels: { type: object, additionalProperties: { type: string } }
              Health: { $ref: "#/definitions/Health" }
              Created: { type: string, format: dateTime }
              Ratio: { type: number, minimum: 0 }
              Strict: { type: object, properties: { A: { type: boolean } }, additionalProperties: false }
              Free: { type: object }
              Exposed: { type: object, additionalProperties: { type: object, enum: [{}] } }
        204:
          description: no content
`);

const thing = responseSchema(doc, 'GET', '/things/{id}/json', 200) ?? {};
const check = (value: unknown, schema: SchemaObject = thing) => validateValue(doc, schema, value);
const ref = (name: string): SchemaObject => ({ $ref: `#/definitions/${name}` });

describe('the schema walker', () => {
  it('accepts a value that matches in every part', () => {
    const value = {
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, Type: 'tcp' }],
      Labels: { 'com.example/x': 'y' },
      Health: null,
      Created: '2024-05-01T10:00:00.123456789Z',
      Ratio: 0.5,
      Strict: { A: true },
      Free: { anything: [1, { b: null }] },
    };
    expect(check(value)).toEqual([]);
  });

  it('reports a wrong type with its JSON path, expected type and what it got', () => {
    expect(check({ Ports: [{ PrivatePort: '80', Type: 'tcp' }] })).toEqual([
      { path: '$.Ports[0].PrivatePort', rule: 'type', severity: 'error', expected: 'integer', got: 'string "80"' },
    ]);
  });

  it('tells integers from numbers and objects from arrays', () => {
    expect(check({ Ports: [{ PrivatePort: 80.5, Type: 'tcp' }] })[0]).toMatchObject({ rule: 'type', expected: 'integer', got: 'number 80.5' });
    expect(check({ Labels: [] })[0]).toMatchObject({ path: '$.Labels', expected: 'object', got: 'array []' });
    expect(check({ Ports: {} })[0]).toMatchObject({ path: '$.Ports', expected: 'array' });
    expect(check({ Strict: { A: 'true' } })[0]).toMatchObject({ path: '$.Strict.A', expected: 'boolean' });
  });

  it('reports a missing required property at the place it should be', () => {
    expect(check({ Ports: [{ PrivatePort: 80 }] })).toEqual([
      { path: '$.Ports[0].Type', rule: 'required', severity: 'error', expected: 'present', got: 'absent' },
    ]);
  });

  it('accepts null only where x-nullable says so', () => {
    expect(check({ Health: null })).toEqual([]);
    expect(check({ Labels: null })).toEqual([{ path: '$.Labels', rule: 'null', severity: 'error', expected: 'object', got: 'null' }]);
    expect(check({ Ports: [{ PrivatePort: null, Type: 'tcp' }] })[0]).toMatchObject({ path: '$.Ports[0].PrivatePort', rule: 'null' });
  });

  it('checks additionalProperties values and names map keys that are not identifiers in brackets', () => {
    expect(check({ Labels: { 'a/b': 1 } })).toEqual([{ path: '$.Labels["a/b"]', rule: 'type', severity: 'error', expected: 'string', got: 'integer 1' }]);
  });

  it('refuses extra properties where additionalProperties is false, and warns of them where it is absent', () => {
    expect(check({ Strict: { A: true, B: 1 } })).toEqual([
      { path: '$.Strict.B', rule: 'unknown-property', severity: 'error', expected: 'no further properties', got: 'integer 1' },
    ]);
    expect(check({ ID: 'x' })).toEqual([{ path: '$.ID', rule: 'unknown-property', severity: 'warning', expected: 'a property the schema declares', got: 'string "x"' }]);
    expect(validateValue(doc, thing, { ID: 'x' }, { unknownProperty: 'ignore' })).toEqual([]);
  });

  it('warns of a value outside an enum unless told to fail or ignore it', () => {
    const port = { Ports: [{ PrivatePort: 1, Type: 'quic' }] };
    expect(check(port)).toEqual([
      { path: '$.Ports[0].Type', rule: 'enum', severity: 'warning', expected: 'one of "tcp", "udp", "sctp"', got: 'string "quic"' },
    ]);
    expect(errorsOf(check(port))).toEqual([]);
    expect(validateValue(doc, thing, port, { enumMismatch: 'error' })[0]?.severity).toBe('error');
    expect(validateValue(doc, thing, port, { enumMismatch: 'ignore' })).toEqual([]);
  });

  it('compares enum members by value, so an empty object matches docker’s `enum: [{}]`', () => {
    expect(check({ Exposed: { '80/tcp': {} } })).toEqual([]);
    expect(check({ Exposed: { '80/tcp': { x: 1 } } })[0]).toMatchObject({ path: '$.Exposed["80/tcp"]', rule: 'enum' });
  });

  it('unites the properties of allOf branches and checks each branch', () => {
    expect(check({ Memory: 1, Binds: ['v:/d'] }, ref('HostConfig'))).toEqual([]);
    expect(check({ Memory: '1g', Binds: 'v:/d' }, ref('HostConfig')).map((v) => v.path)).toEqual(['$.Memory', '$.Binds']);
    expect(check({ Memry: 1 }, ref('HostConfig'))[0]).toMatchObject({ path: '$.Memry', rule: 'unknown-property' });
  });

  it('checks integer formats, minimum, maxItems and date-times', () => {
    expect(check({ Ports: [{ PrivatePort: 70000, Type: 'tcp' }] })[0]).toMatchObject({ rule: 'range', expected: 'a number in [0, 65535] (uint16)' });
    expect(check({ Ratio: -1 })[0]).toMatchObject({ path: '$.Ratio', rule: 'range' });
    const port = { PrivatePort: 1, Type: 'tcp' };
    expect(check({ Ports: [port, port, port] })[0]).toMatchObject({ path: '$.Ports', rule: 'range', got: '3 items' });
    expect(check({ Created: '1714557600' })[0]).toMatchObject({ path: '$.Created', rule: 'format' });
    expect(check({ Created: '2024-05-01T10:00:00+02:00' })).toEqual([]);
  });

  it('follows recursive references as deep as the value goes', () => {
    expect(check({ Next: { Next: { Next: { Next: 3 } } } }, ref('Loop'))).toEqual([
      { path: '$.Next.Next.Next.Next', rule: 'type', severity: 'error', expected: 'object', got: 'integer 3' },
    ]);
  });

  it('does not descend into a value of the wrong type', () => {
    expect(check({ Ports: 'none' })).toHaveLength(1);
  });

  it('refuses references outside the document’s definitions and unknown types', () => {
    expect(() => check({}, ref('Nope'))).toThrow(/cannot resolve #\/definitions\/Nope/);
    expect(() => check({}, { $ref: 'other.yaml#/definitions/Port' })).toThrow(/cannot resolve/);
    expect(() => check(1, { type: 'tmpfs' })).toThrow(/does not know schema type "tmpfs"/);
  });

  it('formats violations one per line', () => {
    expect(formatViolations(check({ Labels: null, Ratio: 'x' }))).toBe(
      'error $.Labels (null): expected object, got null\nerror $.Ratio (type): expected number, got string "x"',
    );
  });

  it('accepts any JSON value against an empty schema', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => check(value, {}).length === 0), { numRuns: 200 });
  });

  it('finds exactly one type error at the path of a field given the wrong type', () => {
    const fields = ['IP', 'PrivatePort', 'Type'] as const;
    const conforming = fc.record({ IP: fc.string(), PrivatePort: fc.integer({ min: 0, max: 65535 }), Type: fc.constantFrom('tcp', 'udp', 'sctp') });
    const wrong = { IP: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())), PrivatePort: fc.oneof(fc.string(), fc.boolean(), fc.double({ min: 0.1, max: 0.9 })), Type: fc.oneof(fc.integer(), fc.dictionary(fc.string(), fc.string())) };
    const arb = fc.constantFrom(...fields).chain((field) => fc.tuple(fc.constant(field), conforming, wrong[field]));
    fc.assert(
      fc.property(arb, ([field, port, bad]) => {
        expect(check(port, ref('Port'))).toEqual([]);
        const found = check({ ...port, [field]: bad }, ref('Port'));
        expect(found).toEqual([expect.objectContaining({ path: childPath('$', field), rule: 'type', severity: 'error' })]);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the response lookup', () => {
  it('finds the schema of an operation’s status and none for a body-less status', () => {
    expect(thing.properties?.['Ports']).toBeDefined();
    expect(responseSchema(doc, 'get', '/things/{id}/json', 204)).toBeUndefined();
  });

  it('refuses an operation or status the document does not have', () => {
    expect(() => responseSchema(doc, 'POST', '/things/{id}/json', 200)).toThrow('the API definition has no operation POST /things/{id}/json');
    expect(() => responseSchema(doc, 'GET', '/things/{id}/json', 404)).toThrow('GET /things/{id}/json documents no 404 response');
  });

  it('refuses text that is not a Swagger document', () => {
    expect(() => parseSwagger('- a\n- b\n')).toThrow(/not a Swagger 2.0 document/);
  });
});
