/**
 * Where templates live and the cache of compiled ones. Layout on disk:
 *   templates/email/<name>/<language>.mjml    (shared layout parts in templates/email/_layout/)
 *   templates/sms/<name>/<language>.txt
 *   templates/letter/<name>/<language>.txt
 * A compiled template is cached by file and modification time: compiled once, recompiled only
 * when the file changes.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInput, NotFound } from '../errors.ts';
import { compileTemplate, type CompiledTemplate } from './template-compile.ts';
import type { MessageChannel } from './types.ts';

export const TEMPLATES_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

export const CHANNELS: readonly MessageChannel[] = ['email', 'sms', 'letter'];

const EXTENSION: Record<MessageChannel, string> = { email: '.mjml', sms: '.txt', letter: '.txt' };
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const LANGUAGE = /^[a-z]{2,3}$/;

export interface TemplateRef {
  readonly channel: MessageChannel;
  readonly name: string;
  readonly language: string;
}

export function templateFile(ref: TemplateRef, root = TEMPLATES_ROOT): string {
  if (!NAME.test(ref.name)) throw new InvalidInput(`template name "${ref.name}" is not kebab-case`, { field: 'templateName' });
  if (!LANGUAGE.test(ref.language)) throw new InvalidInput(`language "${ref.language}" is not an ISO 639 code`, { field: 'language' });
  return path.join(root, ref.channel, ref.name, ref.language + EXTENSION[ref.channel]);
}

/** Reads a template's place from its path: templates/<channel>/<name>/<language>.<ext>. */
export function refOfFile(file: string): TemplateRef {
  const parts = path.resolve(file).split(path.sep);
  const [channel, name, leaf] = parts.slice(-3) as [string, string, string];
  const ext = path.extname(leaf);
  const language = path.basename(leaf, ext);
  if (!(CHANNELS as readonly string[]).includes(channel) || EXTENSION[channel as MessageChannel] !== ext) {
    throw new InvalidInput(`${file}: not a template path (templates/email/<name>/<language>.mjml, templates/sms|letter/<name>/<language>.txt)`, {
      field: 'file',
    });
  }
  return { channel: channel as MessageChannel, name, language };
}

/** The languages a template exists in, sorted. */
export async function languagesOf(channel: MessageChannel, name: string, root = TEMPLATES_ROOT): Promise<string[]> {
  if (!NAME.test(name)) throw new InvalidInput(`template name "${name}" is not kebab-case`, { field: 'templateName' });
  let entries: string[];
  try {
    entries = await readdir(path.join(root, channel, name));
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.endsWith(EXTENSION[channel]))
    .map((e) => e.slice(0, -EXTENSION[channel].length))
    .filter((l) => LANGUAGE.test(l))
    .sort();
}

/** Every template under the root (layout folders starting with "_" excluded). */
export async function listTemplates(root = TEMPLATES_ROOT): Promise<TemplateRef[]> {
  const refs: TemplateRef[] = [];
  for (const channel of CHANNELS) {
    let names: string[];
    try {
      names = await readdir(path.join(root, channel));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => NAME.test(n)).sort()) {
      for (const language of await languagesOf(channel, name, root)) refs.push({ channel, name, language });
    }
  }
  return refs;
}

const cache = new Map<string, { mtimeMs: number; compiled: CompiledTemplate }>();

/** The compiled template, from the cache unless its file changed since it was compiled. */
export async function loadTemplate(ref: TemplateRef, root = TEMPLATES_ROOT): Promise<CompiledTemplate> {
  const file = templateFile(ref, root);
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
  } catch {
    throw new NotFound(`no ${ref.channel} template "${ref.name}" in "${ref.language}" (${file})`, { field: 'templateName' });
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.compiled;
  const compiled = await compileFile(ref.channel, file);
  cache.set(file, { mtimeMs, compiled });
  return compiled;
}

/** Validates and compiles a file without caching it: what saving a template runs. */
export async function compileFile(channel: MessageChannel, file: string): Promise<CompiledTemplate> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidInput(`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { field: 'file' });
  }
  return compileTemplate(channel, source.replace(/^\uFEFF/, ''), path.resolve(file));
}

/** Forgets compiled templates (tests, or after templates were replaced wholesale). */
export function clearTemplateCache(): void {
  cache.clear();
}
