/**
 * The subset of Xero's `where` filter (a .NET dynamic-LINQ expression) that integrations use:
 * `Type=="ACCREC" AND Status!="DRAFT"`, `Contact.ContactID==Guid("…")`, `Date>=DateTime(2026,01,01)`,
 * `AmountDue>0`, `IsCustomer==true`, `Name.Contains("Ltd")`, with AND/OR/NOT (`&&`, `||`, `!`) and
 * parentheses. An unknown field or a malformed expression raises `QueryError`, which the routes turn
 * into Xero's 400 `QueryParseException`.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-filtered-results
 */
import { parseMsDate } from './format.ts';

export class QueryError extends Error {}

export type Predicate = (record: object) => boolean;

type Token = { kind: 'ident' | 'string' | 'number' | 'op' | 'punct'; text: string };

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(==|!=|>=|<=|&&|\|\||[<>!=])|([A-Za-z_][A-Za-z0-9_]*)|([().,]))/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new QueryError(`Syntax error at position ${at} of the where clause`);
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(m[1]) as string });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'op', text: m[3] === '=' ? '==' : m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'ident', text: m[4] });
    else tokens.push({ kind: 'punct', text: m[5]! });
  }
  return tokens;
}

type Value = string | number | boolean | null | { date: number } | { guid: string };

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fields: ReadonlySet<string>,
    private readonly typeName: string,
  ) {}

  parse(): Predicate {
    const p = this.or();
    if (this.i < this.tokens.length) throw new QueryError(`Syntax error near '${this.tokens[this.i]!.text}'`);
    return p;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private take(text?: string): Token {
    const t = this.tokens[this.i];
    if (!t || (text !== undefined && t.text.toUpperCase() !== text.toUpperCase())) {
      throw new QueryError(`Expected '${text ?? 'a term'}' in the where clause`);
    }
    this.i++;
    return t;
  }

  private isWord(...words: string[]): boolean {
    const t = this.peek();
    return !!t && words.includes(t.text.toUpperCase());
  }

  private or(): Predicate {
    let left = this.and();
    while (this.isWord('OR', '||')) {
      this.i++;
      const l = left;
      const r = this.and();
      left = (rec) => l(rec) || r(rec);
    }
    return left;
  }

  private and(): Predicate {
    let left = this.unary();
    while (this.isWord('AND', '&&')) {
      this.i++;
      const l = left;
      const r = this.unary();
      left = (rec) => l(rec) && r(rec);
    }
    return left;
  }

  private unary(): Predicate {
    if (this.isWord('NOT', '!')) {
      this.i++;
      const inner = this.unary();
      return (rec) => !inner(rec);
    }
    if (this.peek()?.text === '(') {
      this.i++;
      const inner = this.or();
      this.take(')');
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate {
    const path = this.path();
    const method = path.method;
    if (method) {
      const arg = this.value();
      this.take(')');
      if (typeof arg !== 'string') throw new QueryError(`${method} expects a string`);
      const needle = arg.toLowerCase();
      return (rec) => {
        const v = resolve(rec, path.parts);
        if (typeof v !== 'string') return false;
        const hay = v.toLowerCase();
        return method === 'Contains' ? hay.includes(needle) : method === 'StartsWith' ? hay.startsWith(needle) : hay.endsWith(needle);
      };
    }
    const t = this.peek();
    if (!t || t.kind !== 'op' || t.text === '!') return (rec) => resolve(rec, path.parts) === true;
    this.i++;
    const right = this.value();
    return (rec) => compare(resolve(rec, path.parts), t.text, right);
  }

  private path(): { parts: string[]; method: string | null } {
    const first = this.take();
    if (first.kind !== 'ident') throw new QueryError(`Expected a field name, got '${first.text}'`);
    if (!this.fields.has(first.text)) throw new QueryError(`No property or field '${first.text}' exists in type '${this.typeName}'`);
    const parts = [first.text];
    while (this.peek()?.text === '.') {
      this.i++;
      const name = this.take().text;
      if (['Contains', 'StartsWith', 'EndsWith'].includes(name) && this.peek()?.text === '(') {
        this.i++;
        return { parts, method: name };
      }
      parts.push(name);
    }
    return { parts, method: null };
  }

  private value(): Value {
    const t = this.take();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind !== 'ident') throw new QueryError(`Expected a value, got '${t.text}'`);
    const word = t.text;
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    if (word === 'Guid') return { guid: this.call(1)[0]!.toLowerCase() };
    if (word === 'DateTime' || word === 'DateTimeOffset') return { date: dateOf(this.call(3)) };
    throw new QueryError(`Unknown identifier '${word}'`);
  }

  /** Arguments of Guid("…") or DateTime(y, m, d[, h, mi, s]) as text. */
  private call(min: number): string[] {
    this.take('(');
    const args: string[] = [];
    while (this.peek()?.text !== ')') {
      const t = this.take();
      if (t.kind !== 'string' && t.kind !== 'number') throw new QueryError(`Bad argument '${t.text}'`);
      args.push(t.text);
      if (this.peek()?.text === ',') this.i++;
    }
    this.take(')');
    if (args.length < min) throw new QueryError('Too few arguments in the where clause');
    return args;
  }
}

function dateOf(args: string[]): number {
  const n = args.map(Number);
  const ms = Date.UTC(n[0]!, n[1]! - 1, n[2]!, n[3] ?? 0, n[4] ?? 0, n[5] ?? 0);
  if (Number.isNaN(ms)) throw new QueryError('Invalid DateTime in the where clause');
  return ms;
}

function resolve(rec: object, parts: string[]): unknown {
  let v: unknown = rec;
  for (const p of parts) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function compare(left: unknown, op: string, right: Value): boolean {
  let a: unknown = left;
  let b: unknown = right;
  if (right !== null && typeof right === 'object') {
    if ('date' in right) {
      a = typeof left === 'string' ? parseMsDate(left) : null;
      b = right.date;
    } else {
      a = typeof left === 'string' ? left.toLowerCase() : left;
      b = right.guid;
    }
  } else if (typeof left === 'string' && typeof right === 'string') {
    // Xero's store compares text without regard to case.
    a = left.toLowerCase();
    b = right.toLowerCase();
  }
  if (a === undefined) a = null;
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  if (a === null || b === null || typeof a !== typeof b) return false;
  const x = a as number | string;
  const y = b as number | string;
  return op === '>' ? x > y : op === '>=' ? x >= y : op === '<' ? x < y : x <= y;
}

/** Compiles a `where` clause against the top-level fields of one entity type. */
export function compileWhere(text: string, fields: ReadonlySet<string>, typeName: string): Predicate {
  return new Parser(tokenize(text), fields, typeName).parse();
}
