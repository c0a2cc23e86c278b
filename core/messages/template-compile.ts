/**
 * Validates and compiles one template file. Email: placeholders checked against the variable model
 * (in the file and in every layout part it includes), MJML tags balanced, mjml strict validation,
 * then compiled once to an HTML skeleton that still holds the placeholders, and a text skeleton
 * derived from it. SMS and letters: placeholder text; a letter starts with a "Subject:" line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { htmlToText } from './html-to-text.ts';
import { expandLayoutIncludes } from './layout-includes.ts';
import { checkTagBalance, compileMjml } from './mjml-check.ts';
import { parseTemplate, TemplateSyntaxError, type Node } from './placeholders.ts';
import { TemplateError } from './template-error.ts';
import type { MessageChannel } from './types.ts';
import { checkVariables, variablesUsed } from './variable-model.ts';

export interface CompiledEmail {
  readonly channel: 'email';
  readonly file: string;
  readonly subject: readonly Node[];
  readonly html: readonly Node[];
  readonly text: readonly Node[];
  readonly variables: readonly string[];
}

export interface CompiledText {
  readonly channel: 'sms' | 'letter';
  readonly file: string;
  /** Letters only. */
  readonly subject: readonly Node[] | null;
  readonly body: readonly Node[];
  readonly variables: readonly string[];
}

export type CompiledTemplate = CompiledEmail | CompiledText;

/**
 * Compiles `source` (the content of `file`) for a channel; throws `TemplateError` with the line.
 * `organizationSource`: an organization's own copy (template-overrides.ts), which may include only
 * the shipped layout parts, and which mjml compiles with file includes off (layout-includes.ts).
 */
export async function compileTemplate(channel: MessageChannel, source: string, file: string, options: { organizationSource?: boolean } = {}): Promise<CompiledTemplate> {
  return channel === 'email' ? compileEmail(source, file, options.organizationSource ?? false) : compileText(channel, source, file);
}

async function compileEmail(source: string, file: string, organizationSource: boolean): Promise<CompiledEmail> {
  const nodes = checkedParse(source, file);
  const expanded = organizationSource ? expandLayoutIncludes(source, file) : null;
  const included = expanded
    ? expanded.parts.flatMap((part) => checkedParse(part.text, part.file))
    : includedFiles(source, file).flatMap((part) => checkedParse(readPart(part, file), part));
  checkTagBalance(source, file);
  const title = /<mj-title>([\s\S]*?)<\/mj-title>/.exec(source);
  if (!title) throw new TemplateError(file, 1, 'no <mj-title> in <mj-head>: it is the subject of the email');
  const titleLine = lineAt(source, title.index + '<mj-title>'.length);
  const subject = parseTemplate(title[1]!.trim(), titleLine);
  const html = expanded ? await compileMjml(expanded.source, file, expanded) : await compileMjml(source, file);
  // The compiled HTML holds the same placeholders as the source; it was checked above.
  const htmlNodes = parseTemplate(html);
  return {
    channel: 'email',
    file,
    subject,
    html: htmlNodes,
    text: parseTemplate(htmlToText(html)),
    variables: variablesUsed([...nodes, ...included]),
  };
}

function compileText(channel: 'sms' | 'letter', source: string, file: string): CompiledText {
  let subject: Node[] | null = null;
  let body = source;
  let bodyLine = 1;
  if (channel === 'letter') {
    const m = /^Subject:[ \t]*(.*)\r?\n/.exec(source);
    if (!m) throw new TemplateError(file, 1, 'a letter starts with a "Subject: …" line');
    subject = checkedParse(m[1]!, file, 1);
    body = source.slice(m[0].length);
    bodyLine = 2;
  }
  const nodes = checkedParse(body.replace(/\s+$/, ''), file, bodyLine);
  if (nodes.length === 0) throw new TemplateError(file, bodyLine, 'the text is empty');
  return { channel, file, subject, body: nodes, variables: variablesUsed([...(subject ?? []), ...nodes]) };
}

/** Parses placeholders and checks them against the variable model, reporting `file` and the line. */
function checkedParse(source: string, file: string, firstLine = 1): Node[] {
  try {
    const nodes = parseTemplate(source, firstLine);
    checkVariables(nodes);
    return nodes;
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw new TemplateError(file, e.line, e.reason);
    throw e;
  }
}

/** The layout parts an email includes (`<mj-include path="…">`), resolved from its folder. */
function includedFiles(source: string, file: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/<mj-include\s+path="([^"]+)"/g)) {
    found.push(path.resolve(path.dirname(file), m[1]!));
  }
  return found;
}

function readPart(part: string, from: string): string {
  try {
    return readFileSync(part, 'utf8');
  } catch {
    throw new TemplateError(from, 1, `included file ${part} cannot be read`);
  }
}

function lineAt(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}
