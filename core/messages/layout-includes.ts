/**
 * Includes in an organization's own copy of an email template. mjml's `<mj-include path="…">`
 * reads any file the server can (`/etc/passwd`, `/proc/self/environ`, the data directory's key) and
 * `type="css"` / `type="html"` paste it into the output; an organization-edited source must not be
 * able to do that. So for such a source mjml runs with includes off (`ignoreIncludes`), and the
 * includes are expanded here first, under a strict rule: only the shipped layout parts
 * (`templates/email/_layout/*.mjml`), written exactly as the shipped templates write them, each
 * resolved (symbolic links too) and checked to stay inside that folder. Anything else that looks
 * like an include is refused with its line, before any file is opened.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TemplateError } from './template-error.ts';

/** `<mj-include path="../_layout/x.mjml" />`: the only include form an organization source may use. */
const ALLOWED = /^<mj-include\s+path="(\.\.\/_layout\/[a-z0-9][a-z0-9-]*\.mjml)"\s*\/>$/;
// Anything mjml's parser (htmlparser2, case-insensitive tag names) could take for an include.
const ANY_INCLUDE = /<\s*mj-include\b[^>]*>?/gi;
const MAX_DEPTH = 3;

export interface ExpandedSource {
  /** The source with every include replaced by the layout part's text. */
  source: string;
  /** The layout parts read, in order (for the placeholder check). */
  parts: { file: string; text: string }[];
  /** Where line `n` of `source` came from. */
  origin(line: number): { file: string; line: number };
}

/** The folder an organization's email source may include from: `<templates>/email/_layout`. */
export function layoutFolder(file: string): string {
  return path.resolve(path.dirname(file), '..', '_layout');
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function readLayoutPart(relative: string, file: string, line: number): { file: string; text: string } {
  const folder = layoutFolder(file);
  const target = path.resolve(path.dirname(file), relative);
  const inside = (p: string, root: string) => {
    const rel = path.relative(root, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(target, folder)) throw new TemplateError(file, line, `only the shipped layout parts (../_layout/*.mjml) can be included`);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new TemplateError(file, line, `included layout part ${path.basename(target)} does not exist`);
  }
  if (!inside(real, realpathSync(folder))) throw new TemplateError(file, line, `only the shipped layout parts (../_layout/*.mjml) can be included`);
  return { file: real, text: readFileSync(real, 'utf8') };
}

interface Piece {
  text: string;
  file: string;
  /** First line of `text` in `file`. */
  line: number;
}

function expandInto(source: string, file: string, depth: number, out: Piece[], parts: { file: string; text: string }[]): void {
  // Comments are not parsed by mjml (and dropped): an include inside one stays text, like any comment.
  const blanked = source.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  let last = 0;
  for (const m of blanked.matchAll(ANY_INCLUDE)) {
    const line = lineOf(source, m.index);
    const tag = source.slice(m.index, m.index + m[0].length);
    const allowed = ALLOWED.exec(tag);
    if (!allowed) throw new TemplateError(file, line, 'an include must be <mj-include path="../_layout/<part>.mjml" /> (no other path, type or attribute)');
    if (depth >= MAX_DEPTH) throw new TemplateError(file, line, 'layout parts are nested too deep');
    out.push({ text: source.slice(last, m.index), file, line: lineOf(source, last) });
    const part = readLayoutPart(allowed[1]!, file, line);
    parts.push(part);
    expandInto(part.text, part.file, depth + 1, out, parts);
    last = m.index + m[0].length;
  }
  out.push({ text: source.slice(last), file, line: lineOf(source, last) });
}

/** Expands the layout-part includes of an organization's email source; TemplateError with the line otherwise. */
export function expandLayoutIncludes(source: string, file: string): ExpandedSource {
  const pieces: Piece[] = [];
  const parts: { file: string; text: string }[] = [];
  expandInto(source, file, 0, pieces, parts);
  // Line map: each piece starts at some line of the expanded text.
  const starts: { at: number; piece: Piece }[] = [];
  let at = 1;
  for (const piece of pieces) {
    starts.push({ at, piece });
    at += (piece.text.match(/\n/g) ?? []).length;
  }
  return {
    source: pieces.map((p) => p.text).join(''),
    parts,
    origin(line) {
      let found = starts[0]!;
      for (const s of starts) if (s.at <= line) found = s;
      return { file: found.piece.file, line: found.piece.line + (line - found.at) };
    },
  };
}
