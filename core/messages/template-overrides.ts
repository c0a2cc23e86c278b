/**
 * An organization's own copies of shipped templates (table `template_overrides`, edited from the
 * console). A copy compiles exactly as the shipped file would, as if it stood in the file's place
 * (so the layout parts it includes resolve); compiled copies are cached by (id, updated_at), and a
 * renderer uses an organization's copy before the shipped file.
 */
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';
import { templateOverrides } from '../store/schema/index.ts';
import { renderMessage } from './render.ts';
import { withStoreContext } from './store-context.ts';
import type { CompiledTemplate } from './template-compile.ts';
import { compileTemplate } from './template-compile.ts';
import { templateFile, type TemplateRef } from './template-store.ts';
import type { MessageChannel, RenderedMessage, RenderMessageInput } from './types.ts';

export interface TemplateOverride {
  readonly id: string;
  readonly language: string;
  readonly source: string;
  readonly updatedAt: Date;
}

/** Validates and compiles a template's source in place of its shipped file; `TemplateError` names the line. */
export function compileSource(ref: TemplateRef, source: string): Promise<CompiledTemplate> {
  return compileTemplate(ref.channel, source.replace(/^\uFEFF/, ''), templateFile(ref), { organizationSource: true });
}

const compiledCopies = new Map<string, { updatedAt: number; compiled: CompiledTemplate }>();

/** The compiled copy, from the cache unless it was saved again since. */
export async function compiledOverride(ref: TemplateRef, copy: TemplateOverride): Promise<CompiledTemplate> {
  const hit = compiledCopies.get(copy.id);
  if (hit && hit.updatedAt === copy.updatedAt.getTime()) return hit.compiled;
  const compiled = await compileSource(ref, copy.source);
  compiledCopies.set(copy.id, { updatedAt: copy.updatedAt.getTime(), compiled });
  return compiled;
}

/** The organization's copies of one template, by language. */
export async function overridesOf(db: Executor, organizationId: string, channel: MessageChannel, name: string): Promise<Map<string, TemplateOverride>> {
  const rows = await db
    .select({ id: templateOverrides.id, language: templateOverrides.language, source: templateOverrides.source, updatedAt: templateOverrides.updatedAt })
    .from(templateOverrides)
    .where(and(eq(templateOverrides.organizationId, organizationId), eq(templateOverrides.channel, channel), eq(templateOverrides.name, name)));
  return new Map(rows.map((r) => [r.language, r]));
}

export type Render = (input: RenderMessageInput) => Promise<RenderedMessage>;

/**
 * A renderer that uses the organization's copy of the template (in the language chosen for the
 * message) where it has one, and `fallback` for every other message; an input that names its
 * action gets its store context first (addresses, history, fees, edited blocks).
 */
export function renderWithOverrides(db: Executor, fallback: Render): Render {
  return async (given) => {
    const input = await withStoreContext(db, given);
    const organizationId = input.organization.id;
    const copies = organizationId ? await overridesOf(db, organizationId, input.channel, input.templateName) : new Map<string, TemplateOverride>();
    if (copies.size === 0) return fallback(input);
    return renderMessage(input, {
      override: (language) => {
        const copy = copies.get(language);
        return copy ? compiledOverride({ channel: input.channel, name: input.templateName, language }, copy) : null;
      },
    });
  };
}
