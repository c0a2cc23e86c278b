/**
 * A template's preview on a real customer of the organization (issue 15.7: "a live preview on a
 * chosen customer of this organization, not another company's sample data"): the customer's name,
 * account, language, postal address (an admin's edit first) and billing contact, its open invoices
 * with what is still due and the fees of the organization's policy on today's date (the planner's
 * own `invoiceFees`), the reminders already sent to it, the organization's own name, country,
 * sender address and policy. The portal link is a placeholder: a preview issues no link.
 */
import { sql } from 'drizzle-orm';
import { loadCustomerLedgers, loadOrganization } from '../agenda/index.ts';
import { todayIn, type IsoDate } from '../calendar/index.ts';
import { NotFound } from '../errors.ts';
import { effectivePolicy, invoiceFees } from '../fees/index.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import type { MessageChannel, MessageHistoryEntry, MessageItem, RenderMessageInput } from '../messages/index.ts';
import type { Db } from '../store/index.ts';
import type { PostalAddress } from '../store/schema/columns.ts';
import type { LatePaymentPolicy as StoredPolicy } from '../store/schema/organizations.ts';

interface CustomerRow {
  name: string; external_id: string; language: string | null; language_override: string | null; country: string | null;
  postal_address: PostalAddress | null; email: string | null; phone: string | null;
  contact_name: string | null; contact_email: string | null; contact_phone: string | null; contact_language: string | null;
  org_name: string; org_locale: string; org_country: string; timezone: string; sender_address: PostalAddress | null; policy: StoredPolicy;
  history: MessageHistoryEntry[];
}

/** The render input of `templateName` for `customerId` of `organizationId` today (NotFound naming customerId when it is not the organization's). */
export async function customerPreviewInput(
  db: Db,
  input: { organizationId: string; customerId: string; templateName: string; channel: MessageChannel; language: string; asOf?: IsoDate },
): Promise<RenderMessageInput> {
  const { rows } = await db.execute<CustomerRow & Record<string, unknown>>(sql`
    SELECT c.name, c.external_id, c.language, c.language_override, c.country,
           COALESCE(c.postal_address_override, c.postal_address) AS postal_address, c.email, c.phone,
           k.name AS contact_name, k.email AS contact_email, k.phone AS contact_phone, k.language AS contact_language,
           o.name AS org_name, o.locale AS org_locale, o.country AS org_country, o.timezone, o.sender_address, o.late_payment_policy AS policy,
           (SELECT COALESCE(json_agg(json_build_object('date', to_char(p.sent_at, 'YYYY-MM-DD'), 'channel', p.channel::text) ORDER BY p.sent_at), '[]')
              FROM actions p WHERE p.customer_id = c.id AND p.status = 'sent' AND p.sent_at IS NOT NULL AND p.channel IN ('email', 'sms', 'letter')) AS history
      FROM customers c JOIN organizations o ON o.id = c.organization_id
      LEFT JOIN LATERAL (SELECT name, email, phone, language FROM contacts WHERE customer_id = c.id
                          ORDER BY (role = 'billing') DESC, created_at LIMIT 1) k ON true
     WHERE c.id = ${input.customerId}::uuid AND c.organization_id = ${input.organizationId}::uuid`);
  const row = rows[0];
  if (!row) throw new NotFound('customer not found in this organization', { field: 'customerId' });
  const asOf = input.asOf ?? todayIn(row.timezone, new Date());
  const org = await loadOrganization(db, input.organizationId);
  const [ledger] = await loadCustomerLedgers(db, input.organizationId, [input.customerId], asOf);
  const items: MessageItem[] = [];
  for (const inv of [...(ledger?.invoices ?? [])].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number))) {
    const balance = openBalanceOn(inv, asOf);
    if (inv.void || balance <= 0n || inv.dueDate >= asOf) continue;
    const fees = invoiceFees(inv, asOf, org.planner.latePayment);
    items.push({ externalId: inv.externalId, number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, currency: inv.currency, total: inv.total, balance, fees: { interest: fees.interest, fixed: fees.fixed } });
  }
  const currency = items[0]?.currency ?? org.planner.currency;
  const same = items.filter((i) => i.currency === currency);
  const policy = effectivePolicy(row.policy, row.org_country).policy;
  return {
    templateName: input.templateName,
    channel: input.channel,
    language: input.language,
    date: asOf,
    organization: { id: input.organizationId, name: row.org_name, language: row.org_locale, country: row.org_country, postalAddress: row.sender_address, latePaymentPolicy: policy },
    customer: { name: row.name, reference: row.external_id, language: row.language, languageOverride: row.language_override, country: row.country, postalAddress: row.postal_address },
    contact: { name: row.contact_name, email: row.contact_email ?? row.email, phone: row.contact_phone ?? row.phone, language: row.contact_language },
    items,
    fees: policy === 'NONE' ? null : {
      currency, asOf,
      interest: same.reduce((s, i) => s + (i.fees?.interest ?? 0n), 0n),
      fixed: same.reduce((s, i) => s + (i.fees?.fixed ?? 0n), 0n),
    },
    history: row.history,
    portalUrl: 'https://portal.example/preview',
  };
}
