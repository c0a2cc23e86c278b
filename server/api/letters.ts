/**
 * Letters and what they need, in one route file of their own: a letter action's PDF (a preview
 * before it is sent, the document that left after), a customer's postal address and language
 * override, and the organization's sender address and late-payment policy with its reference rates.
 * Addresses are checked on save: one without a country (or a street, or a town) is refused with
 * the field named, so that a letter is never held for it later.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit } from '../../core/access/index.ts';
import { previewAction } from '../../core/approvals/index.ts';
import { effectivePolicy, POLICY_NAMES, referenceRateStatus, shippedReferenceRates } from '../../core/fees/index.ts';
import { todayIn } from '../../core/calendar/index.ts';
import { sentDocument } from '../../core/letters/index.ts';
import { reminderPortalUrl } from '../../core/sending/portal-link.ts';
import { renderMessage, renderWithOverrides } from '../../core/messages/index.ts';
import { actions, customers, organizations } from '../../core/store/schema/index.ts';
import type { Db } from '../../core/store/index.ts';
import type { LatePaymentPolicy } from '../../core/store/schema/organizations.ts';
import { customerScope, orgParams, requireOrg, requireVisibleCustomer, visibleCustomers, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { defineRoute } from './route.ts';

const isoCountry = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as FR');
export const postalAddressShape = z.strictObject({
  lines: z.array(z.string().trim().max(100)).min(1, 'at least one street line').max(4).refine((l) => l.some((x) => x !== ''), 'at least one street line'),
  city: z.string().trim().min(1, 'required').max(80),
  postalCode: z.string().trim().max(20).optional(),
  region: z.string().trim().max(80).optional(),
  country: isoCountry,
  countryRaw: z.string().max(80).optional(),
});
const language = z.string().regex(/^[a-z]{2}$/, 'expected an ISO 639-1 language code such as fr');
const customerDetailsBody = z.strictObject({ postalAddress: postalAddressShape.nullable().optional(), languageOverride: language.nullable().optional() });
const decimal = z.string().regex(/^-?\d{1,3}(\.\d{1,4})?$/, 'expected a decimal percentage such as 2.15');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const policyBody = z.strictObject({
  policy: z.enum(POLICY_NAMES),
  referenceRates: z.array(z.strictObject({ from: isoDate, rate: decimal })).max(200).optional(),
  annualRate: decimal.optional(),
  fixedAmount: z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'expected a decimal amount such as 40.00').optional(),
});
const letterSettingsBody = z.strictObject({ senderAddress: postalAddressShape.nullable().optional(), latePayment: policyBody.optional() });
const actionParams = orgParams.extend({ actionId: z.uuid() });
const customerParams = orgParams.extend({ customerId: z.uuid() });

/** The policy as the API shows it: what is in force, whether it was chosen, the rates it uses. */
function policyJson(stored: LatePaymentPolicy, country: string, today: string) {
  const inForce = effectivePolicy(stored, country);
  return {
    policy: inForce.policy,
    chosen: stored.chosen === true,
    referenceRates: inForce.referenceRates ?? [],
    // Which rate date applies today, and a warning when the table is older than 6 months.
    referenceRate: referenceRateStatus(inForce.referenceRates ?? [], today),
    shippedReferenceRates: shippedReferenceRates(inForce.policy),
    ...(stored.chosen && stored.policy === 'CUSTOM' && { annualRate: stored.annualRate ?? null, fixedAmount: stored.fixedAmount ?? null }),
  };
}

export function letterRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/actions/:actionId/document', summary: "A letter action's PDF: a preview before it is sent, the document that left after (header x-relance-document: preview|sent)", tag: 'actions', params: actionParams }, async ({ principal, params, reply }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading letters');
    const visible = await visibleCustomers(db, principal, membership);
    const [action] = await db.select({ id: actions.id, channel: actions.channel, status: actions.status }).from(actions)
      .where(and(eq(actions.id, params.actionId), eq(actions.organizationId, params.orgId), customerScope(actions.customerId, visible)));
    if (!action) throw notFound('action', 'actionId');
    if (action.channel !== 'letter') throw new HttpError(409, 'not_a_letter', `this action is a ${action.channel} step: only letters have a document`, 'actionId');
    const sent = await sentDocument(db, action.id);
    let pdf: Buffer;
    if (sent) {
      pdf = sent.content;
    } else {
      if (action.status === 'sent') throw notFound('document of this letter (sent before documents were kept)', 'actionId');
      const m = await previewAction(db, { render: renderWithOverrides(db, (input) => renderMessage(input)), portalUrl: await previewPortalUrl(scope, params.orgId, action.id) }, action.id);
      if (m.channel !== 'letter') throw new HttpError(409, 'not_a_letter', 'this action renders no letter', 'actionId');
      pdf = Buffer.from(m.pdf);
    }
    void reply.type('application/pdf').header('content-disposition', `attachment; filename="letter-${action.id}.pdf"`).header('x-relance-document', sent ? 'sent' : 'preview');
    return pdf;
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/customers/:customerId/details', summary: "A customer's postal address (the one letters use, the provider's, and an admin's edit), country and language", tag: 'customers', params: customerParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    return customerDetails(db, params.orgId, params.customerId);
  });

  defineRoute(app, registry, { method: 'PATCH', url: '/api/organizations/:orgId/customers/:customerId/details', summary: "Edit a customer's postal address (kept over the next syncs; null: back to the provider's) or language override (null clears)", tag: 'customers', params: customerParams, body: customerDetailsBody }, async ({ principal, params, body }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'editing customers');
    await requireVisibleCustomer(db, principal, membership, params.customerId);
    const actor = actorOf(principal);
    await db.transaction(async (tx) => {
      // The edit goes to the override columns: a sync rewrites postal_address from the provider, never these.
      const address = body.postalAddress !== undefined && {
        postalAddressOverride: body.postalAddress, postalAddressEditedBy: body.postalAddress ? actor : null, postalAddressEditedAt: body.postalAddress ? new Date() : null,
      };
      const set = { ...address, ...(body.languageOverride !== undefined && { languageOverride: body.languageOverride }), updatedAt: new Date() };
      const [c] = await tx.update(customers).set(set).where(and(eq(customers.id, params.customerId), eq(customers.organizationId, params.orgId))).returning({ id: customers.id });
      if (!c) throw notFound('customer', 'customerId');
      const fields = Object.keys(body);
      const backToProvider = body.postalAddress === null;
      await recordAudit(tx, { organizationId: params.orgId, customerId: c.id, actor, kind: 'audit.customer.details', payload: { customerId: c.id, fields, ...(backToProvider && { postalAddress: 'provider' }) } });
    });
    return customerDetails(db, params.orgId, params.customerId);
  });

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/letter-settings', summary: "The organization's sender address and late-payment policy (with the reference rates in force)", tag: 'organizations', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'read', 'reading organization settings');
    return letterSettings(db, params.orgId);
  });

  defineRoute(app, registry, { method: 'PUT', url: '/api/organizations/:orgId/letter-settings', summary: 'Set the sender address and/or the late-payment policy (rates omitted: the shipped reference rates)', tag: 'organizations', params: orgParams, body: letterSettingsBody }, async ({ principal, params, body }) => {
    requireOrg(principal, params.orgId, 'administer', 'changing organization settings');
    const p = body.latePayment;
    if (p?.policy === 'CUSTOM' && (!p.annualRate || !p.fixedAmount)) {
      throw new HttpError(400, 'invalid_input', 'a CUSTOM policy needs annualRate and fixedAmount', p.annualRate ? 'latePayment.fixedAmount' : 'latePayment.annualRate');
    }
    await db.transaction(async (tx) => {
      const stored: LatePaymentPolicy | undefined = p && { ...p, chosen: true };
      await tx.update(organizations).set({ ...(body.senderAddress !== undefined && { senderAddress: body.senderAddress }), ...(stored && { latePaymentPolicy: stored }), updatedAt: new Date() }).where(eq(organizations.id, params.orgId));
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.organization.letters', payload: body });
    });
    return letterSettings(db, params.orgId);
  });
}

/**
 * The portal link the send job will put in the action's message: the customer's live link (one is
 * issued when none will last, as the send would do, and the send then reuses it). Null without
 * the key ring or a public URL, as for the send.
 */
export async function previewPortalUrl(scope: ApiScope, organizationId: string, actionId: string): Promise<string | null> {
  if (!scope.keys || !scope.publicUrl) return null;
  const [row] = await scope.db.select({ customerId: actions.customerId }).from(actions).where(and(eq(actions.id, actionId), eq(actions.organizationId, organizationId)));
  if (!row) return null;
  return reminderPortalUrl(scope.db, { keys: scope.keys, publicUrl: scope.publicUrl }, { organizationId, customerId: row.customerId }, new Date());
}

async function letterSettings(db: Db, organizationId: string) {
  const [o] = await db.select({ senderAddress: organizations.senderAddress, country: organizations.country, policy: organizations.latePaymentPolicy, timezone: organizations.timezone }).from(organizations).where(eq(organizations.id, organizationId));
  if (!o) throw notFound('organization', 'orgId');
  return { senderAddress: o.senderAddress, country: o.country, latePayment: policyJson(o.policy, o.country, todayIn(o.timezone)) };
}

/**
 * A customer's details: `postalAddress` is the one letters use (an admin's edit, else the
 * provider's), `syncedPostalAddress` the provider's as last synced, `postalAddressEdited` who
 * edited it in Relance and when (null when the provider's is in use).
 */
async function customerDetails(db: Db, organizationId: string, customerId: string) {
  const [c] = await db.select({
    id: customers.id, name: customers.name, synced: customers.postalAddress, override: customers.postalAddressOverride,
    editedBy: customers.postalAddressEditedBy, editedAt: customers.postalAddressEditedAt,
    country: customers.country, countryRaw: customers.countryRaw, language: customers.language, languageOverride: customers.languageOverride,
  }).from(customers).where(and(eq(customers.id, customerId), eq(customers.organizationId, organizationId)));
  if (!c) throw notFound('customer', 'customerId');
  const { synced, override, editedBy, editedAt, ...rest } = c;
  return {
    ...rest,
    postalAddress: override ?? synced,
    syncedPostalAddress: synced,
    postalAddressEdited: override ? { by: editedBy, at: editedAt?.toISOString() ?? null } : null,
  };
}
