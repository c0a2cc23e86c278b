/**
 * The placeholder language of templates, deliberately tiny: no expressions, no helpers, no code.
 *
 *   {{customer.name}}                       a value (HTML-escaped in email HTML, raw in text)
 *   {{#each items as item}} … {{/each}}     a loop over a list, binding each element to a name
 *   {{#if fees}} … {{else}} … {{/if}}        a section shown when a value is non-empty
 *   {{#block greeting}} … {{/block}}         a text block an approver may rewrite (plain text,
 *                                            placeholders allowed): the layout around it stays
 *
 * Templates are parsed once into a tree with the line of every tag, so that validation can name
 * the line of an unknown variable and rendering is a walk over the tree.
 */
import { InvalidInput } from '../errors.ts';

export type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value'; readonly path: readonly string[]; readonly line: number }
  | { readonly kind: 'each'; readonly path: readonly string[]; readonly as: string; readonly body: readonly Node[]; readonly line: number }
  | { readonly kind: 'if'; readonly path: readonly string[]; readonly then: readonly Node[]; readonly otherwise: readonly Node[]; readonly line: number }
  | { readonly kind: 'block'; readonly name: string; readonly body: readonly Node[]; readonly source: string; readonly line: number };

/** A template error with the line it is on (1-based, counted in the source given to `parse`). */
export class TemplateSyntaxError extends InvalidInput {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`, { field: 'template', line });
  }
}

const IDENT = '[A-Za-z][A-Za-z0-9]*';
const PATH = new RegExp(`^${IDENT}(?:\\.${IDENT})*$`);
const EACH = new RegExp(`^#each\\s+(\\S+)\\s+as\\s+(${IDENT})$`);
const IF = /^#if\s+(\S+)$/;
const BLOCK = new RegExp(`^#block\\s+(${IDENT})$`);

interface Frame {
  readonly tag: 'root' | 'each' | 'if' | 'block';
  readonly line: number;
  readonly nodes: Node[];
  /** For `if`: the nodes before `{{else}}`, once it has been seen. */
  then?: Node[];
  readonly build?: (nodes: Node[], then: Node[] | undefined, source: string) => Node;
  /** Where the frame's content starts in the source (blocks keep their source text). */
  readonly start?: number;
}

/** Parses template text into a tree; throws `TemplateSyntaxError` with the line of the first problem. */
export function parseTemplate(source: string, firstLine = 1): Node[] {
  const stack: Frame[] = [{ tag: 'root', line: firstLine, nodes: [] }];
  let line = firstLine;
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    const textEnd = open === -1 ? source.length : open;
    if (textEnd > at) {
      const text = source.slice(at, textEnd);
      top(stack).nodes.push({ kind: 'text', text });
      line += countNewlines(text);
    }
    if (open === -1) break;
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateSyntaxError(line, 'unclosed "{{" (no matching "}}")');
    const inner = source.slice(open + 2, close);
    if (inner.includes('{{')) throw new TemplateSyntaxError(line, `unclosed "{{" before "{{${inner.split('{{')[1]}"`);
    handleTag(inner.trim(), line, stack, source, open, close + 2);
    line += countNewlines(inner);
    at = close + 2;
  }
  if (stack.length > 1) {
    const frame = top(stack);
    throw new TemplateSyntaxError(frame.line, `{{#${frame.tag}}} is never closed with {{/${frame.tag}}}`);
  }
  return stack[0]!.nodes;
}

function handleTag(tag: string, line: number, stack: Frame[], source: string, open: number, end: number): void {
  const each = EACH.exec(tag);
  const cond = IF.exec(tag);
  const block = BLOCK.exec(tag);
  if (block) {
    const name = block[1]!;
    if (stack.some((f) => f.tag === 'block')) throw new TemplateSyntaxError(line, `{{#block ${name}}} inside another block`);
    stack.push({ tag: 'block', line, nodes: [], start: end, build: (body, _then, text) => ({ kind: 'block', name, body, source: text, line }) });
  } else if (each) {
    const path = toPath(each[1]!, line);
    const as = each[2]!;
    stack.push({ tag: 'each', line, nodes: [], build: (body) => ({ kind: 'each', path, as, body, line }) });
  } else if (cond) {
    const path = toPath(cond[1]!, line);
    stack.push({
      tag: 'if',
      line,
      nodes: [],
      build: (nodes, then) => ({ kind: 'if', path, then: then ?? nodes, otherwise: then ? nodes : [], line }),
    });
  } else if (tag === 'else') {
    const frame = top(stack);
    if (frame.tag !== 'if' || frame.then) throw new TemplateSyntaxError(line, '{{else}} outside an {{#if}}');
    frame.then = frame.nodes.splice(0);
  } else if (tag === '/each' || tag === '/if' || tag === '/block') {
    const frame = top(stack);
    const name = tag.slice(1);
    if (frame.tag !== name) {
      const expected = frame.tag === 'root' ? 'nothing is open' : `{{#${frame.tag}}} of line ${frame.line} is still open`;
      throw new TemplateSyntaxError(line, `{{${tag}}} does not close anything here: ${expected}`);
    }
    stack.pop();
    top(stack).nodes.push(frame.build!(frame.nodes, frame.then, source.slice(frame.start ?? open, open)));
  } else if (tag.startsWith('#') || tag.startsWith('/')) {
    throw new TemplateSyntaxError(line, `unknown block "{{${tag}}}" (blocks are #each … as …, #if, else, #block name)`);
  } else {
    top(stack).nodes.push({ kind: 'value', path: toPath(tag, line), line });
  }
}

function toPath(text: string, line: number): string[] {
  if (!PATH.test(text)) throw new TemplateSyntaxError(line, `"${text}" is not a variable name (letters and digits, joined by dots)`);
  return text.split('.');
}

function top(stack: Frame[]): Frame {
  return stack[stack.length - 1]!;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** What a template sees: text values, lists of scopes, nested scopes, or nothing. */
export type ScopeValue = string | null | undefined | readonly Scope[] | Scope;
export interface Scope {
  readonly [name: string]: ScopeValue;
}

/** The scope key of the approver's block texts: not a variable name, so no template can read it. */
export const BLOCKS_KEY = '$blocks';

/**
 * Renders a parsed template; `escape` is applied to every value (HTML escaping for email HTML).
 * A block the scope's `$blocks` rewrites renders that text instead, through `plain` (HTML: escaped,
 * line breaks kept), its placeholders filled from the same scope.
 */
export function renderNodes(nodes: readonly Node[], scope: Scope, escape: (text: string) => string, plain: (text: string) => string = (t) => t): string {
  let out = '';
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out += node.text;
        break;
      case 'value': {
        const value = lookup(scope, node.path);
        out += typeof value === 'string' ? escape(value) : '';
        break;
      }
      case 'each': {
        const list = lookup(scope, node.path);
        if (!Array.isArray(list)) break;
        for (const element of list as readonly Scope[]) {
          out += renderNodes(node.body, { ...scope, [node.as]: element }, escape, plain);
        }
        break;
      }
      case 'if':
        out += renderNodes(isPresent(lookup(scope, node.path)) ? node.then : node.otherwise, scope, escape, plain);
        break;
      case 'block': {
        const edited = (scope[BLOCKS_KEY] as Scope | undefined)?.[node.name];
        if (typeof edited !== 'string') {
          out += renderNodes(node.body, scope, escape, plain);
          break;
        }
        const parsed = parseTemplate(edited).map((n) => (n.kind === 'text' ? { ...n, text: plain(n.text) } : n));
        out += renderNodes(parsed, scope, escape, plain);
        break;
      }
    }
  }
  return out;
}

function lookup(scope: Scope, path: readonly string[]): ScopeValue {
  let value: ScopeValue = scope;
  for (const name of path) {
    if (value === null || value === undefined || typeof value === 'string' || Array.isArray(value)) return undefined;
    value = (value as Scope)[name];
  }
  return value;
}

function isPresent(value: ScopeValue): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The `{{#block}}`s of a parsed template, in order, at any depth. */
export function blocksOf(nodes: readonly Node[]): Extract<Node, { kind: 'block' }>[] {
  const out: Extract<Node, { kind: 'block' }>[] = [];
  const visit = (list: readonly Node[]): void => {
    for (const n of list) {
      if (n.kind === 'block') out.push(n);
      else if (n.kind === 'each') visit(n.body);
      else if (n.kind === 'if') {
        visit(n.then);
        visit(n.otherwise);
      }
    }
  };
  visit(nodes);
  return out;
}
