/**
 * A small JSON Schema (2020-12) validator for the subset our schemas under
 * docs/schema/ use: type (one or a list), const, enum, required, properties,
 * additionalProperties (false or a schema), items, minItems, minLength,
 * minimum, maximum, pattern, allOf, and $ref to `#/$defs/NAME` or to another
 * schema file in the same folder. A keyword outside this subset throws, so a
 * schema can never be silently half-checked.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs']);
const KEYWORDS = new Set([
  'type', 'const', 'enum', 'required', 'properties', 'additionalProperties', 'items', 'minItems',
  'minLength', 'minimum', 'maximum', 'pattern', 'allOf', '$ref',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

/** Every error as "PATH: message"; [] when `value` is valid against the schema in `file`. */
export function validate(file: string, value: unknown): string[] {
  const errors: string[] = [];
  const docs = new Map<string, Schema>();
  const load = (f: string): Schema => {
    let d = docs.get(f);
    if (!d) {
      d = JSON.parse(readFileSync(f, 'utf8')) as Schema;
      docs.set(f, d);
    }
    return d;
  };
  const check = (s: Schema, v: unknown, path: string, doc: string): void => {
    for (const k of Object.keys(s)) {
      if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`${doc}: keyword '${k}' is not supported by test/helpers/json-schema.ts`);
    }
    if (typeof s.$ref === 'string') {
      const [f, frag] = s.$ref.split('#');
      const target = f ? join(dirname(doc), f) : doc;
      let sub = load(target);
      if (frag) for (const part of frag.split('/').filter(Boolean)) sub = sub[part] as Schema;
      if (!sub) throw new Error(`${doc}: unresolved $ref ${s.$ref}`);
      check(sub, v, path, target);
    }
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(sub, v, path, doc);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(v, t))) {
        errors.push(`${path}: ${JSON.stringify(v)?.slice(0, 60)} is not of type ${types.join('|')}`);
        return;
      }
    }
    if ('const' in s && JSON.stringify(v) !== JSON.stringify(s.const)) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      errors.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
    }
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum) errors.push(`${path}: ${v} < ${s.minimum}`);
      if (typeof s.maximum === 'number' && v > s.maximum) errors.push(`${path}: ${v} > ${s.maximum}`);
    }
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && v.length < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errors.push(`${path}: '${v}' does not match ${s.pattern}`);
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
      if (s.items && typeof s.items === 'object') v.forEach((x, i) => check(s.items as Schema, x, `${path}[${i}]`, doc));
    }
    if (typeOf(v) === 'object') {
      const o = v as Record<string, unknown>;
      for (const r of (s.required as string[] | undefined) ?? []) if (!(r in o)) errors.push(`${path}: missing '${r}'`);
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      for (const [k, x] of Object.entries(o)) {
        if (k in props) check(props[k], x, `${path}.${k}`, doc);
        else if (s.additionalProperties === false) errors.push(`${path}: unexpected property '${k}'`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') check(s.additionalProperties as Schema, x, `${path}.${k}`, doc);
      }
    }
  };
  check(load(file), value, '$', file);
  return errors;
}
