/**
 * The shipped message templates (core/messages): list them and preview one with sample data.
 * Templates are files shared by every organization, so these routes need a login, not a role.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { CHANNELS, languagesOf, listTemplates, renderMessage, sampleMessageInput } from '../../core/messages/index.ts';
import type { ApiScope } from './context.ts';
import { forbidden, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const previewParams = z.object({ channel: z.enum(CHANNELS), name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/) });
const previewQuery = z.object({ language: z.string().regex(/^[a-z]{2}$/).default('en') });

export function templateRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/templates', summary: 'Shipped templates by channel, name and language', tag: 'templates' }, async () => ({ items: await listTemplates() }));

  defineRoute(app, registry, { method: 'GET', url: '/api/templates/:channel/:name/preview', summary: 'Render a template with sample data', tag: 'templates', params: previewParams, query: previewQuery }, async ({ principal, params, query }) => {
    // Shipped files only (no source is compiled here), but still only for a member of some organization.
    if (principal.memberships.length === 0) throw forbidden('previewing templates');
    const languages = await languagesOf(params.channel, params.name);
    if (!languages.includes(query.language)) throw notFound(`${params.channel} template "${params.name}" in "${query.language}"`, 'language');
    const m = await renderMessage(sampleMessageInput(params.name, params.channel, query.language));
    const base = { name: m.templateName, channel: m.channel, language: m.language, subject: m.channel === 'sms' ? null : m.subject, text: m.text };
    return m.channel === 'email' ? { ...base, html: m.html } : base;
  });
}
