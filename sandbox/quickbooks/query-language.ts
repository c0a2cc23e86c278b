/**
 * The subset of the QuickBooks query language that Relance and node-quickbooks send:
 *
 *   SELECT * | COUNT(*) FROM <Entity>
 *     [WHERE <field> <op> <value> [AND ...]]     op: = < > <= >= != IN LIKE
 *     [ORDERBY <field> [ASC|DESC]]
 *     [STARTPOSITION n] [MAXRESULTS m]
 *
 * Keywords are case-insensitive; there is no OR, as in QuickBooks.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */

export type Literal = string | number | boolean;
export type Operator = '=' | '<' | '>' | '<=' | '>=' | '!=' | 'IN' | 'LIKE';

export interface Condition {
  field: string;
  op: Operator;
  values: Literal[]; // one value, several for IN
}

export interface ParsedQuery {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy: { field: string; desc: boolean } | null;
  startPosition: number | null;
  maxResults: number | null;
}

/** Thrown for text that is not a query; the message is QuickBooks' QueryParserError detail. */
export class QueryParseError extends Error {}

type Token = { kind: 'word' | 'string' | 'number' | 'symbol'; text: string; value?: Literal };

const SYMBOLS = ['<=', '>=', '!=', '<>', '=', '<', '>', '(', ')', ',', '*'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let j = i + 1;
      let out = '';
      for (; j < text.length && text[j] !== "'"; j++) {
        // node-quickbooks escapes a quote inside a value as \' ; QuickBooks reads it back as '.
        if (text[j] === '\\' && j + 1 < text.length) j++;
        out += text[j];
      }
      if (j >= text.length) throw new QueryParseError(`Encountered unterminated string at column ${i + 1}`);
      tokens.push({ kind: 'string', text: out, value: out });
      i = j + 1;
    } else if (/[0-9-]/.test(ch) && /^-?\d/.test(text.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else {
      const sym = SYMBOLS.find((s) => text.startsWith(s, i));
      if (!sym) throw new QueryParseError(`Encountered " "${ch}" " at line 1, column ${i + 1}`);
      tokens.push({ kind: 'symbol', text: sym === '<>' ? '!=' : sym });
      i += sym.length;
    }
  }
  return tokens;
}

class Cursor {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }
  next(what: string): Token {
    const t = this.tokens[this.at++];
    if (!t) throw new QueryParseError(`Encountered "<EOF>" at line 1. Was expecting ${what}`);
    return t;
  }
  isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }
  word(word: string): void {
    const t = this.next(`"${word}"`);
    if (t.kind !== 'word' || t.text.toLowerCase() !== word) throw unexpected(t, `"${word}"`);
  }
  symbol(sym: string): void {
    const t = this.next(`"${sym}"`);
    if (t.kind !== 'symbol' || t.text !== sym) throw unexpected(t, `"${sym}"`);
  }
  done(): boolean {
    return this.at >= this.tokens.length;
  }
}

function unexpected(t: Token, expected: string): QueryParseError {
  return new QueryParseError(`Encountered " "${t.text}" " . Was expecting ${expected}`);
}

function literal(c: Cursor): Literal {
  const t = c.next('a value');
  if (t.kind === 'string' || t.kind === 'number') return t.value!;
  if (t.kind === 'word' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
  throw unexpected(t, 'a value');
}

function condition(c: Cursor): Condition {
  const f = c.next('a field');
  if (f.kind !== 'word') throw unexpected(f, 'a field');
  const opToken = c.next('an operator');
  const op = opToken.text.toUpperCase();
  if (op === 'IN') {
    c.symbol('(');
    const values = [literal(c)];
    while (c.peek()?.text === ',') {
      c.next(',');
      values.push(literal(c));
    }
    c.symbol(')');
    return { field: f.text, op: 'IN', values };
  }
  if (!['=', '<', '>', '<=', '>=', '!=', 'LIKE'].includes(op)) throw unexpected(opToken, 'an operator');
  return { field: f.text, op: op as Operator, values: [literal(c)] };
}

function positiveInteger(c: Cursor, what: string): number {
  const t = c.next(what);
  if (t.kind !== 'number' || !Number.isInteger(t.value)) throw unexpected(t, what);
  return t.value as number;
}

/** Parses one query; throws `QueryParseError` with QuickBooks' wording when it is not one. */
export function parseQuery(text: string): ParsedQuery {
  const c = new Cursor(tokenize(text));
  c.word('select');
  let count = false;
  if (c.isWord('count')) {
    c.next('count');
    c.symbol('(');
    c.symbol('*');
    c.symbol(')');
    count = true;
  } else {
    c.symbol('*');
  }
  c.word('from');
  const entity = c.next('an entity');
  if (entity.kind !== 'word') throw unexpected(entity, 'an entity');
  const q: ParsedQuery = { count, entity: entity.text, where: [], orderBy: null, startPosition: null, maxResults: null };
  if (c.isWord('where')) {
    c.next('where');
    q.where.push(condition(c));
    while (c.isWord('and')) {
      c.next('and');
      q.where.push(condition(c));
    }
  }
  if (c.isWord('orderby') || c.isWord('order')) {
    if (c.next('orderby').text.toLowerCase() === 'order') c.word('by');
    const field = c.next('a field');
    if (field.kind !== 'word') throw unexpected(field, 'a field');
    let desc = false;
    if (c.isWord('asc') || c.isWord('desc')) desc = c.next('asc').text.toLowerCase() === 'desc';
    q.orderBy = { field: field.text, desc };
  }
  if (c.isWord('startposition')) {
    c.next('startposition');
    q.startPosition = positiveInteger(c, 'a number');
  }
  if (c.isWord('maxresults')) {
    c.next('maxresults');
    q.maxResults = positiveInteger(c, 'a number');
  }
  if (!c.done()) throw unexpected(c.peek()!, '<EOF>');
  return q;
}
