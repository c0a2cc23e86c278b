/**
 * What the store knows about a message's action that the send job's query does not carry: the
 * customer's postal address, country and language override, the organization's sender address and
 * late-payment policy, the reminders this customer was already sent for these invoices, each
 * invoice's fees as the planner computed them (core/fees, the code `simulate` runs), and the
 * approver's edited text blocks. Added to a render input that names its action; an input without
 * one (a template preview on sample data) is left as it is.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from '../store/index.ts';
import type { PostalAddress } from '../store/schema/columns.ts';
import type { LatePaymentPolicy as StoredPolicy } from '../store/schema/organizations.ts';
import { effectivePolicy } from '../fees/index.ts';
import { toMinor } from '../money.ts';
import type { MessageChannel, MessageHistoryEntry, RenderMessageInput } from './types.ts';

interface ContextRow {
  postal_address: PostalAddress | null;
  customer_country: string | null;
  language_override: string | null;
  sender_address: PostalAddress | null;
  org_country: string;
  policy: StoredPolicy;
  details: { fees?: { asOf?: string; perInvoice?: Record<string, { interest: string; fixed: string }> }; blocks?: Record<string, string> } | null;
  history: { date: string; channel: MessageChannel }[];
  /** The action's invoices: external id → store id (the planner keys its fees by the store id). */
  invoice_ids: Record<string, string>;
  /** Fees approved for posting on the action's invoices, per currency, in minor units (core/credit/fee-postings). */
  posted_fees: Record<string, string> | null;
  [key: string]: unknown;
}

/** The action's store context, or null when the action is gone. */
async function loadContext(db: Executor, actionId: string): Promise<ContextRow | null> {
  const { rows } = await db.execute<ContextRow>(sql`
    SELECT COALESCE(c.postal_address_override, c.postal_address) AS postal_address, c.country AS customer_country, c.language_override, o.sender_address, o.country AS org_country,
           o.late_payment_policy AS policy, a.details,
           (SELECT COALESCE(json_agg(json_build_object('date', to_char(p.sent_at, 'YYYY-MM-DD'), 'channel', p.channel::text) ORDER BY p.sent_at), '[]')
              FROM actions p
             WHERE p.customer_id = a.customer_id AND p.id <> a.id AND p.status = 'sent' AND p.sent_at IS NOT NULL
               AND p.channel IN ('email', 'sms', 'letter')
               AND EXISTS (SELECT 1 FROM action_invoices x JOIN action_invoices y ON y.invoice_id = x.invoice_id
                            WHERE x.action_id = p.id AND y.action_id = a.id)) AS history,
           (SELECT COALESCE(json_object_agg(i.external_id, i.id), '{}') FROM action_invoices ai JOIN invoices i ON i.id = ai.invoice_id
             WHERE ai.action_id = a.id) AS invoice_ids,
           (SELECT json_object_agg(f.currency, f.minor) FROM (
              SELECT fp.currency::text AS currency, sum(fp.interest_minor + fp.fixed_minor)::text AS minor
                FROM fee_postings fp JOIN action_invoices ai ON ai.invoice_id = fp.invoice_id
               WHERE ai.action_id = a.id AND fp.status = 'approved' GROUP BY fp.currency) f) AS posted_fees
      FROM actions a JOIN customers c ON c.id = a.customer_id JOIN organizations o ON o.id = a.organization_id
     WHERE a.id = ${actionId}::uuid`);
  return rows[0] ?? null;
}

/** The input with its action's store context added (values the caller set explicitly win). */
export async function withStoreContext(db: Executor, input: RenderMessageInput): Promise<RenderMessageInput> {
  if (!input.action) return input;
  const row = await loadContext(db, input.action.id);
  if (!row) return input;
  const policy = effectivePolicy(row.policy, row.org_country).policy;
  const perInvoice = row.details?.fees?.perInvoice ?? {};
  const history: MessageHistoryEntry[] = row.history;
  return {
    ...input,
    organization: { ...input.organization, postalAddress: input.organization.postalAddress ?? row.sender_address, latePaymentPolicy: input.organization.latePaymentPolicy ?? policy },
    customer: {
      ...input.customer,
      postalAddress: input.customer.postalAddress ?? row.postal_address,
      country: input.customer.country ?? row.customer_country,
      languageOverride: input.customer.languageOverride ?? row.language_override,
    },
    items: input.items.map((item) => {
      const f = perInvoice[item.externalId] ?? perInvoice[row.invoice_ids[item.externalId] ?? ''];
      return f && !item.fees ? { ...item, fees: { interest: toMinor(f.interest, item.currency), fixed: toMinor(f.fixed, item.currency) } } : item;
    }),
    fees: withPostedFees(input.fees && row.details?.fees?.asOf ? { ...input.fees, asOf: input.fees.asOf ?? row.details.fees.asOf } : input.fees ?? null, row.posted_fees),
    history: input.history ?? history,
    blocks: input.blocks ?? row.details?.blocks ?? null,
  };
}

/** Fees already invoiced to the customer (approved fee postings) shown as owed beside the fees. */
function withPostedFees(fees: RenderMessageInput['fees'], posted: Record<string, string> | null): RenderMessageInput['fees'] {
  const minor = fees && posted?.[fees.currency];
  return fees && minor && fees.posted == null ? { ...fees, posted: BigInt(minor) } : fees ?? null;
}
