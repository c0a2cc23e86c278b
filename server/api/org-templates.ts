/**
 * An organization's own copies of the shipped message templates (core/messages' template
 * overrides): list which are edited, read one (the copy, else the shipped text), save a copy once
 * it compiles, go back to the shipped file, and preview a source, saved or not, with sample data.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import {
  CHANNELS, TemplateError, compileSource, languagesOf, listTemplates, renderMessage, sampleMessageInput, templateFile,
  type CompiledTemplate, type TemplateRef,
} from '../../core/messages/index.ts';
import { customerPreviewInput } from '../../core/letters/customer-preview.ts';
import { templateOverrides } from '../../core/store/schema/index.ts';
import { orgParams, requireOrg, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const templateParams = orgParams.extend({
  channel: z.enum(CHANNELS),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  language: z.string().regex(/^[a-z]{2,3}$/),
});
const saveBody = z.object({ source: z.string().min(1).max(200_000) });
const previewBody = z.object({
  source: z.string().min(1).max(200_000).optional(),
  /** A customer of this organization to preview on (its invoices, fees, addresses, history); absent: sample data. */
  customerId: z.uuid().optional(),
}).default({});

type TemplateParams = z.output<typeof templateParams>;

/** A broken source: 400 naming the line (and the layout part, when the error is in one). */
async function compiled(ref: TemplateRef, source: string): Promise<CompiledTemplate> {
  try {
    return await compileSource(ref, source);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const where = e.file === templateFile(ref) ? `line ${e.line}` : `${path.basename(e.file)} line ${e.line}`;
    throw new HttpError(400, 'invalid', `source: ${where}: ${e.reason}`, 'source');
  }
}

export function orgTemplateRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;
  const url = '/api/organizations/:orgId/templates/:channel/:name/:language';

  const copyOf = (p: TemplateParams) =>
    and(eq(templateOverrides.organizationId, p.orgId), eq(templateOverrides.channel, p.channel), eq(templateOverrides.name, p.name), eq(templateOverrides.language, p.language));

  /** The template as the organization has it: its copy, else the shipped file (404 when not shipped). */
  async function current(p: TemplateParams) {
    if (!(await languagesOf(p.channel, p.name)).includes(p.language)) throw notFound(`${p.channel} template "${p.name}" in "${p.language}"`, 'language');
    const [copy] = await db.select({ source: templateOverrides.source, updatedAt: templateOverrides.updatedAt }).from(templateOverrides).where(copyOf(p));
    const ref = { channel: p.channel, name: p.name, language: p.language };
    const source = copy?.source ?? (await readFile(templateFile(ref), 'utf8'));
    return { ...ref, source, overridden: Boolean(copy), updatedAt: copy?.updatedAt.toISOString() ?? null };
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/templates', summary: "Shipped templates and, per language, whether the organization edited its copy", tag: 'templates', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading templates');
    const copies = await db.select({ channel: templateOverrides.channel, name: templateOverrides.name, language: templateOverrides.language }).from(templateOverrides).where(eq(templateOverrides.organizationId, params.orgId));
    const edited = new Set(copies.map((c) => `${c.channel}/${c.name}/${c.language}`));
    const items = new Map<string, { channel: string; name: string; languages: { language: string; overridden: boolean }[] }>();
    for (const ref of await listTemplates()) {
      const key = `${ref.channel}/${ref.name}`;
      if (!items.has(key)) items.set(key, { channel: ref.channel, name: ref.name, languages: [] });
      items.get(key)!.languages.push({ language: ref.language, overridden: edited.has(`${key}/${ref.language}`) });
    }
    return { items: [...items.values()] };
  });

  defineRoute(app, registry, { method: 'GET', url, summary: "The organization's copy of a template, else the shipped text", tag: 'templates', params: templateParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading templates');
    return current(params);
  });

  defineRoute(app, registry, { method: 'PUT', url, summary: "Save the organization's copy of a template (compiled and validated first)", tag: 'templates', params: templateParams, body: saveBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'editing templates');
    await current(params);
    await compiled({ channel: params.channel, name: params.name, language: params.language }, body.source);
    const actor = actorOf(principal);
    await db.transaction(async (tx) => {
      await tx
        .insert(templateOverrides)
        .values({ organizationId: params.orgId, channel: params.channel, name: params.name, language: params.language, source: body.source, updatedBy: actor })
        .onConflictDoUpdate({
          target: [templateOverrides.organizationId, templateOverrides.channel, templateOverrides.name, templateOverrides.language],
          set: { source: body.source, updatedBy: actor, updatedAt: new Date() },
        });
      await recordAudit(tx, { organizationId: params.orgId, actor, kind: 'audit.template.save', payload: { channel: params.channel, name: params.name, language: params.language } });
    });
    return current(params);
  });

  defineRoute(app, registry, { method: 'DELETE', url, summary: 'Drop the copy: back to the shipped template', tag: 'templates', params: templateParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'administer', 'editing templates');
    await current(params);
    await db.transaction(async (tx) => {
      const dropped = await tx.delete(templateOverrides).where(copyOf(params)).returning({ id: templateOverrides.id });
      if (dropped.length) await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.template.reset', payload: { channel: params.channel, name: params.name, language: params.language } });
    });
    return current(params);
  });

  defineRoute(app, registry, { method: 'POST', url: `${url}/preview`, summary: 'Render a source (unsaved, else the current one) on a customer of the organization, else with sample data', tag: 'templates', params: templateParams, body: previewBody }, async ({ principal, params, body }) => {
    // A preview compiles an arbitrary source: the right to edit templates, not read access.
    requireOrg(principal, params.orgId, 'administer', 'previewing template sources');
    const ref = { channel: params.channel, name: params.name, language: params.language };
    // Also the 404 of a template not shipped in this language, before anything compiles.
    const now = await current(params);
    const template = await compiled(ref, body.source ?? now.source);
    const input = body.customerId
      ? await customerPreviewInput(db, { organizationId: params.orgId, customerId: body.customerId, templateName: params.name, channel: params.channel, language: params.language })
      : sampleMessageInput(params.name, params.channel, params.language);
    const m = await renderMessage(input, { override: async () => template });
    const base = { subject: m.channel === 'sms' ? null : m.subject, text: m.text, blocks: m.blocks ?? {}, on: body.customerId ? { customerId: body.customerId, name: input.customer.name } : null };
    return m.channel === 'email' ? { ...base, html: m.html } : base;
  });
}
