/**
 * The customer portal: `GET /portal/:token` opens the customer's page without an account; its
 * forms post back under the same token with a form token bound to it. Any invalid link (forged,
 * edited, expired, revoked) gets the same plain page and status, so a guess learns nothing.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PORTAL_FORM_LIMIT, reserveAttempt } from '../../core/access/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Logger } from '../../core/logging.ts';
import { isRelanceError } from '../../core/errors.ts';
import {
  checkPortalFormToken, loadPortalPage, openPortalLink, portalActor, portalFormToken, refreshPaymentLinks, requestPaymentPlan, tokenKeyId,
  type OpenedLink, type PaymentLinkSource, type PortalActions, type PortalPage,
} from '../../core/portal/index.ts';
import type { Db } from '../../core/store/index.ts';
import { renderInvalid, renderPortal, type FormsOffered } from './render.ts';
import { languageFromHeader, PORTAL_TEXTS } from './texts.ts';

export interface PortalDeps {
  db: Db;
  keys: KeyRing;
  logger: Logger;
  actions: PortalActions;
  /** Asks an invoice's connection for its online payment link when the page opens; absent: stored links only. */
  paymentLinks?: PaymentLinkSource;
}

const tokenParams = z.object({ token: z.string().min(1).max(512) });
const planForm = z.object({ installments: z.coerce.number().int().min(2).max(24), message: z.string().max(2000).optional() });
// 30 digits at most: past bigint minor units the core refuses it as too large, naming the field.
const promiseForm = z.object({ date: z.iso.date(), amount: z.string().trim().max(30).regex(/^\d+([.,]\d{1,2})?$/) });
const disputeForm = z.object({ invoiceId: z.uuid(), reason: z.string().trim().min(3).max(2000) });

function secureHeaders(reply: FastifyReply): FastifyReply {
  // The token is in the URL: no Referer may carry it to the provider's payment page, no cache may keep the page.
  return reply
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; img-src https:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .type('text/html; charset=utf-8');
}

export async function portalPlugin(app: FastifyInstance, deps: PortalDeps): Promise<void> {
  await app.register(formbody);
  const offered: FormsOffered = { promise: Boolean(deps.actions.recordPromise), dispute: Boolean(deps.actions.openDispute), plan: true };

  async function open(request: FastifyRequest, reply: FastifyReply): Promise<{ link: OpenedLink; token: string } | null> {
    const parsed = tokenParams.safeParse(request.params);
    const result = parsed.success ? await openPortalLink(deps.db, deps.keys, parsed.data.token) : null;
    if (result?.ok && parsed.success) return { link: result.link, token: parsed.data.token };
    const lang = languageFromHeader(request.headers['accept-language']);
    await secureHeaders(reply).status(404).send(renderInvalid(lang, PORTAL_TEXTS[lang]));
    return null;
  }

  function show(reply: FastifyReply, page: PortalPage, token: string, link: OpenedLink, notice: 'thanks' | null, error: string | null, status = 200) {
    const csrf = portalFormToken(deps.keys, tokenKeyId(token), link.tokenId);
    const html = renderPortal(page, PORTAL_TEXTS[page.language], { action: `/portal/${encodeURIComponent(token)}`, csrf, offered, notice, error });
    return secureHeaders(reply).status(status).send(html);
  }

  app.get('/portal/:token', async (request, reply) => {
    const opened = await open(request, reply);
    if (!opened) return reply;
    if (deps.paymentLinks) await refreshPaymentLinks(deps.db, opened.link, { source: deps.paymentLinks, logger: deps.logger });
    const page = await loadPortalPage(deps.db, opened.link, request.headers['accept-language'] ?? null);
    const notice = (request.query as Record<string, unknown>).done === '1' ? 'thanks' : null;
    return show(reply, page, opened.token, opened.link, notice, null);
  });

  /** A core's refusal of the customer's input (a past date, a paid invoice) names the field to fix. */
  function refusal(e: unknown): string {
    if (isRelanceError(e) && e.category === 'validation') return String(e.details.field ?? 'form').split('.').pop()!;
    throw e;
  }

  /** One form post: link, form token, fields; a bad field re-shows the page with 400 and saves nothing. */
  function post<T extends z.ZodType>(path: string, shape: T, act: (link: OpenedLink, page: PortalPage, form: z.output<T>) => Promise<string | null>) {
    app.post(`/portal/:token/${path}`, async (request, reply) => {
      const opened = await open(request, reply);
      if (!opened) return reply;
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (!checkPortalFormToken(deps.keys, tokenKeyId(opened.token), opened.link.tokenId, body.csrf)) {
        const lang = languageFromHeader(request.headers['accept-language']);
        return secureHeaders(reply).status(403).send(renderInvalid(lang, PORTAL_TEXTS[lang]));
      }
      const page = await loadPortalPage(deps.db, opened.link, request.headers['accept-language'] ?? null);
      // Per link, in PostgreSQL (every server process counts the same posts): a script looping on a form stops here.
      const reserved = await reserveAttempt(deps.db, [{ key: `portal-form:${opened.link.tokenId}`, rule: PORTAL_FORM_LIMIT }]);
      if (!reserved.allowed) {
        reply.header('retry-after', String(Math.ceil(reserved.retryAfterMs / 1000)));
        return show(reply, page, opened.token, opened.link, null, 'rate_limited', 429);
      }
      const form = shape.safeParse(body);
      const problem = form.success ? await act(opened.link, page, form.data).catch(refusal) : String(form.error.issues[0]?.path[0] ?? 'form');
      if (problem) return show(reply, page, opened.token, opened.link, null, problem, 400);
      return reply.header('referrer-policy', 'no-referrer').redirect(`/portal/${encodeURIComponent(opened.token)}?done=1`, 303);
    });
  }

  post('payment-plan', planForm, async (link, _page, form) => {
    await requestPaymentPlan(deps.db, link, { installments: form.installments, message: form.message?.trim() || null });
    return null;
  });

  const { recordPromise, openDispute } = deps.actions;
  if (recordPromise) {
    post('promise', promiseForm, async (link, page, form) => {
      const currency = page.invoices[0]?.currency;
      if (!currency) return 'amount';
      await recordPromise({ organizationId: link.organizationId, customerId: link.customerId, currency, amount: form.amount.replace(',', '.'), promisedDate: form.date, actor: portalActor(link) });
      return null;
    });
  }
  if (openDispute) {
    post('dispute', disputeForm, async (link, page, form) => {
      // Only an invoice shown on this page: a posted id of another customer's invoice is refused.
      if (!page.invoices.some((i) => i.id === form.invoiceId)) return 'invoiceId';
      await openDispute({ organizationId: link.organizationId, customerId: link.customerId, invoiceIds: [form.invoiceId], reason: form.reason, actor: portalActor(link) });
      return null;
    });
  }
}
