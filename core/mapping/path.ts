/**
 * Source paths into a raw provider record: dot-separated names, each followed by any number of
 * selectors — `[2]` (an index), `[]` or `[*]` (every element), `[Key=Value]` (the elements whose
 * `Key` reads as `Value`). Two virtual roots: `$root` (the whole raw record, for mappings that
 * expand an array such as Xero's ContactPersons) and `$index` (the position of that element).
 *
 * `BillEmail.Address`, `Line[0].Amount`, `Line[].LinkedTxn[TxnType=Invoice].TxnId`,
 * `CustomField[Name=Language].StringValue`, `$root.ContactID`.
 */

export type Selector = { kind: 'index'; index: number } | { kind: 'all' } | { kind: 'filter'; key: string; value: string };

export interface Segment {
  name: string;
  selectors: Selector[];
}

export interface ParsedPath {
  text: string;
  root: 'item' | 'root' | 'index';
  segments: Segment[];
}

/** The element being mapped, the raw record it came from, and its position in an expansion. */
export interface Scope {
  item: unknown;
  root: unknown;
  index: number | null;
}

const NAME = /^[A-Za-z_$][\w$-]*$/;
const FILTER = /^([A-Za-z_][\w-]*)=(.*)$/;

/** Parses a path, or throws an Error whose message says what is wrong with it. */
export function parsePath(text: string): ParsedPath {
  if (!text.trim()) throw new Error('empty path');
  const parts = splitOutsideBrackets(text);
  let root: ParsedPath['root'] = 'item';
  if (parts[0] === '$root') {
    root = 'root';
    parts.shift();
  } else if (parts[0] === '$index') {
    if (parts.length > 1) throw new Error('$index has no fields');
    return { text, root: 'index', segments: [] };
  }
  const segments = parts.map((part) => parseSegment(part, text));
  return { text, root, segments };
}

function splitOutsideBrackets(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0) throw new Error(`unbalanced "]" in "${text}"`);
    if (ch === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new Error(`unclosed "[" in "${text}"`);
  parts.push(current);
  return parts;
}

function parseSegment(part: string, text: string): Segment {
  const open = part.indexOf('[');
  const name = open === -1 ? part : part.slice(0, open);
  if (!NAME.test(name)) throw new Error(`"${name}" is not a field name in "${text}"`);
  const selectors: Selector[] = [];
  let rest = open === -1 ? '' : part.slice(open);
  while (rest) {
    const m = /^\[([^\]]*)\]/.exec(rest);
    if (!m) throw new Error(`unexpected "${rest}" in "${text}"`);
    selectors.push(parseSelector(m[1]!, text));
    rest = rest.slice(m[0].length);
  }
  return { name, selectors };
}

function parseSelector(inner: string, text: string): Selector {
  if (inner === '' || inner === '*') return { kind: 'all' };
  if (/^\d+$/.test(inner)) return { kind: 'index', index: Number(inner) };
  const f = FILTER.exec(inner);
  if (f) return { kind: 'filter', key: f[1]!, value: f[2]! };
  throw new Error(`"[${inner}]" is not an index, [] or [Key=Value] in "${text}"`);
}

/** Every value the path reaches (absent branches dropped); a path without wildcards gives at most one. */
export function resolveAll(scope: Scope, path: ParsedPath): unknown[] {
  if (path.root === 'index') return scope.index === null ? [] : [scope.index];
  let current: unknown[] = [path.root === 'root' ? scope.root : scope.item];
  for (const segment of path.segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const child = (value as Record<string, unknown>)[segment.name];
      if (child !== undefined) next.push(...applySelectors(child, segment.selectors));
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

function applySelectors(value: unknown, selectors: Selector[]): unknown[] {
  let current: unknown[] = [value];
  for (const selector of selectors) {
    const next: unknown[] = [];
    for (const v of current) {
      if (!Array.isArray(v)) continue;
      if (selector.kind === 'index') {
        if (selector.index < v.length) next.push(v[selector.index]);
      } else if (selector.kind === 'all') next.push(...v);
      else next.push(...v.filter((el) => matchesFilter(el, selector.key, selector.value)));
    }
    current = next;
  }
  return current;
}

function matchesFilter(element: unknown, key: string, expected: string): boolean {
  if (element === null || typeof element !== 'object') return false;
  const actual = (element as Record<string, unknown>)[key];
  return (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && String(actual) === expected;
}

/** The first value the path reaches that is neither null nor an empty string, else null. */
export function resolveFirst(scope: Scope, path: ParsedPath): unknown {
  for (const v of resolveAll(scope, path)) if (v !== null && v !== '') return v;
  return null;
}
