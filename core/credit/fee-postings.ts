/**
 * Late fees posted to the ledger (issue #19.5). The interest and fixed compensation Relance
 * computes for an overdue invoice (core/fees, the organization's late-payment policy) are asked
 * to be posted, then approved by an admin — who and when kept — and written to the accounting
 * system as a new invoice to the customer through the outbox (`post_fee_invoice`, idempotent by
 * the posting: a retried push never creates a second invoice), or waived with a reason. What was
 * already posted is deducted from the next request, so a fee is never charged twice; the fixed
 * compensation is owed once per invoice. A disputed invoice gets no fee posting. Reminders show
 * posted fees as owed (`postedFeesFor`, core/messages). Once pushed, the fee invoice the provider
 * created (its id, and the version a later void or edit needs) is kept on the posting (migration
 * 0031: copied from the outbox row in the statement that marks it done) and shown with it.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { loadCustomerLedgers, loadOrganization } from '../agenda/index.ts';
import { addDays, type IsoDate } from '../calendar/index.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { invoiceFees } from '../fees/index.ts';
import { formatMinor } from '../money.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Db, Executor, Tx } from '../store/index.ts';
import { activities, type FeePostingStatus } from '../store/schema/index.ts';
import { parseInput } from './parse.ts';

/** Days the fee invoice gives the customer: it is owed already, so it falls due on issue. */
const FEE_INVOICE_TERMS_DAYS = 0;

export interface FeePosting {
  id: string;
  customer: { id: string; name: string };
  invoice: { id: string; number: string; externalId: string };
  provider: string;
  currency: string;
  interest: string;
  fixed: string;
  total: string;
  asOf: string;
  /** `approved` rows read the outbox: posting (queued), posted, or failed (parked, visible in the outbox). */
  status: FeePostingStatus;
  posting: 'queued' | 'posted' | 'failed' | null;
  postedAt: string | null;
  /** The fee invoice in the ledger once posted: the provider's id (QuickBooks Invoice Id, Xero InvoiceID) and version (SyncToken). */
  providerInvoice: { id: string; version: string | null } | null;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

interface InvoiceFacts extends Record<string, unknown> {
  id: string;
  customer_id: string;
  connection_id: string;
  provider: string;
  external_id: string;
  number: string;
  currency: string;
  disputed: boolean;
  status: string;
  customer_external_id: string | null;
}

async function invoiceFacts(db: Executor, organizationId: string, invoiceId: string, lock = false): Promise<InvoiceFacts> {
  const { rows: [row] } = await db.execute<InvoiceFacts>(sql`
    SELECT i.id, i.customer_id, i.connection_id, k.provider::text AS provider, i.external_id, coalesce(i.number, i.external_id) AS number,
           i.currency::text AS currency, i.disputed, i.status::text AS status,
           coalesce((SELECT c.external_id FROM customers c WHERE c.id = i.customer_id AND c.connection_id = i.connection_id),
                    (SELECT r.external_id FROM customer_external_refs r WHERE r.customer_id = i.customer_id AND r.connection_id = i.connection_id
                      ORDER BY r.external_id LIMIT 1)) AS customer_external_id
      FROM invoices i JOIN connections k ON k.id = i.connection_id
     WHERE i.id = ${invoiceId}::uuid AND i.organization_id = ${organizationId}::uuid ${lock ? sql`FOR UPDATE OF i` : sql``}`);
  if (!row) throw new NotFound('invoice not found', { field: 'invoiceId' });
  return row;
}

/** Why fees cannot be posted on this invoice, naming the field; null when they can. */
function refusal(i: InvoiceFacts): InvalidInput | null {
  if (i.disputed) return new InvalidInput(`invoice ${i.number} is disputed: no fee is posted on a disputed invoice until the dispute is closed`, { field: 'disputed' });
  if (i.provider !== 'quickbooks' && i.provider !== 'xero') return new InvalidInput(`invoice ${i.number} comes from ${i.provider}: fees are posted only to QuickBooks or Xero`, { field: 'invoiceId' });
  if (!i.customer_external_id) return new InvalidInput(`invoice ${i.number}: its customer has no record in that ledger`, { field: 'customerId' });
  return null;
}

/** Fees already approved for the invoice (posted or on their way), in minor units. */
async function alreadyPosted(db: Executor, invoiceId: string): Promise<{ interest: bigint; fixed: bigint }> {
  const { rows: [row] } = await db.execute<{ interest: string; fixed: string }>(sql`
    SELECT coalesce(sum(interest_minor), 0)::text AS interest, coalesce(sum(fixed_minor), 0)::text AS fixed
      FROM fee_postings WHERE invoice_id = ${invoiceId}::uuid AND status = 'approved'`);
  return { interest: BigInt(row!.interest), fixed: BigInt(row!.fixed) };
}

const requestSchema = z.strictObject({ invoiceId: z.uuid('must be an invoice id'), note: z.string().trim().max(2000).nullish() });

/** What is owed on the invoice on `asOf` and not yet posted, in minor units. */
export async function feesToPost(db: Db, organizationId: string, invoiceId: string, asOf: IsoDate): Promise<{ interest: bigint; fixed: bigint; currency: string }> {
  const facts = await invoiceFacts(db, organizationId, invoiceId);
  const org = await loadOrganization(db, organizationId);
  const [ledger] = await loadCustomerLedgers(db, organizationId, [facts.customer_id], asOf);
  const invoice = ledger?.invoices.find((i) => i.externalId === invoiceId);
  const fees = invoice ? invoiceFees(invoice, asOf, org.planner.latePayment) : { interest: 0n, fixed: 0n };
  const posted = await alreadyPosted(db, invoiceId);
  const positive = (n: bigint) => (n > 0n ? n : 0n);
  return { interest: positive(fees.interest - posted.interest), fixed: positive(fees.fixed - posted.fixed), currency: facts.currency };
}

/** Asks for the invoice's unposted fees to be posted; refused on a disputed invoice or when nothing is owed. */
export async function requestFeePosting(db: Db, organizationId: string, input: unknown, actor: string, asOf: IsoDate): Promise<FeePosting> {
  const body = parseInput(requestSchema, input, 'fee posting');
  const facts = await invoiceFacts(db, organizationId, body.invoiceId);
  const refused = refusal(facts);
  if (refused) throw refused;
  const due = await feesToPost(db, organizationId, body.invoiceId, asOf);
  if (due.interest + due.fixed === 0n) throw new InvalidInput(`invoice ${facts.number} has no late fees to post on ${asOf}`, { field: 'invoiceId' });
  const id = await db.transaction(async (tx) => {
    const { rows: [created] } = await tx.execute<{ id: string }>(sql`
      INSERT INTO fee_postings (organization_id, customer_id, invoice_id, connection_id, currency, interest_minor, fixed_minor, as_of, requested_by, decision_note)
      VALUES (${organizationId}::uuid, ${facts.customer_id}::uuid, ${facts.id}::uuid, ${facts.connection_id}::uuid, ${facts.currency},
              ${due.interest.toString()}::bigint, ${due.fixed.toString()}::bigint, ${asOf}::date, ${actor}, NULL)
      ON CONFLICT (invoice_id) WHERE status = 'requested' DO NOTHING RETURNING id`);
    if (!created) throw new Conflict(`invoice ${facts.number} already has a fee posting waiting for a decision`, { field: 'invoiceId' });
    await tx.insert(activities).values({
      organizationId, customerId: facts.customer_id, actor, kind: 'fees.posting.requested',
      payload: { feePostingId: created.id, invoiceId: facts.id, invoiceNumber: facts.number, currency: facts.currency,
        interest: formatMinor(due.interest, facts.currency), fixed: formatMinor(due.fixed, facts.currency), asOf, note: body.note ?? null },
    });
    return created.id;
  });
  return (await getFeePosting(db, organizationId, id))!;
}

const decisionSchema = z.strictObject({ note: z.string().trim().max(2000).nullish(), reason: z.string().trim().max(2000).nullish() });

export type FeeDecision = 'approve' | 'reject' | 'waive';

/**
 * Decides a requested posting. Approving queues the fee invoice in the same transaction (the
 * invoice is checked again: disputed since the request, it is refused); waiving needs a reason.
 */
export async function decideFeePosting(db: Db, organizationId: string, postingId: string, decision: FeeDecision, actor: string, input: unknown): Promise<FeePosting> {
  const body = parseInput(decisionSchema, input ?? {}, 'fee decision');
  if (decision === 'waive' && !body.reason) throw new InvalidInput('fee decision reason: a waived fee must say why', { field: 'reason' });
  await db.transaction(async (tx) => {
    const { rows: [p] } = await tx.execute<{ id: string; invoice_id: string; customer_id: string; connection_id: string; status: string; currency: string; interest_minor: string; fixed_minor: string; as_of: string }>(sql`
      SELECT id, invoice_id, customer_id, connection_id, status, currency::text, interest_minor::text, fixed_minor::text, as_of::text
        FROM fee_postings WHERE id = ${postingId}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`);
    if (!p) throw new NotFound('fee posting not found', { field: 'feePostingId' });
    if (p.status !== 'requested') throw new Conflict(`the fee posting is already ${p.status}`, { field: 'feePostingId' });
    const status: FeePostingStatus = decision === 'approve' ? 'approved' : decision === 'waive' ? 'waived' : 'rejected';
    let outboxId: string | null = null;
    if (decision === 'approve') {
      const facts = await invoiceFacts(tx, organizationId, p.invoice_id, true);
      const refused = refusal(facts);
      if (refused) throw refused;
      outboxId = await queueFeeInvoice(tx, organizationId, p, facts);
    }
    await tx.execute(sql`
      UPDATE fee_postings SET status = ${status}, decided_by = ${actor}, decided_at = now(), decision_note = ${body.reason ?? body.note ?? null},
             outbox_id = ${outboxId}::uuid WHERE id = ${postingId}::uuid`);
    await tx.insert(activities).values({
      organizationId, customerId: p.customer_id, actor, kind: `fees.posting.${status}`,
      payload: { feePostingId: p.id, invoiceId: p.invoice_id, note: body.reason ?? body.note ?? null, outboxId },
    });
  });
  return (await getFeePosting(db, organizationId, postingId))!;
}

async function queueFeeInvoice(
  tx: Tx, organizationId: string,
  p: { id: string; currency: string; interest_minor: string; fixed_minor: string; as_of: string; connection_id: string },
  facts: InvoiceFacts,
): Promise<string> {
  const lines: { fee: 'interest' | 'fixed'; description: string; amount: string }[] = [];
  if (BigInt(p.interest_minor) > 0n) lines.push({ fee: 'interest', description: `Late-payment interest on invoice ${facts.number} to ${p.as_of}`, amount: formatMinor(BigInt(p.interest_minor), p.currency) });
  if (BigInt(p.fixed_minor) > 0n) lines.push({ fee: 'fixed', description: `Fixed compensation for recovery costs, invoice ${facts.number}`, amount: formatMinor(BigInt(p.fixed_minor), p.currency) });
  const { rows: [today] } = await tx.execute<{ day: string }>(sql`
    SELECT (now() AT TIME ZONE o.timezone)::date::text AS day FROM organizations o WHERE o.id = ${organizationId}::uuid`);
  const result = await enqueuePushChange(tx, {
    organizationId, connectionId: p.connection_id, idempotencyKey: `fee-posting:${p.id}`,
    change: {
      kind: 'post_fee_invoice', feePostingId: p.id, customerExternalId: facts.customer_external_id!, invoiceExternalId: facts.external_id,
      invoiceNumber: facts.number, currency: p.currency, date: today!.day, dueDate: addDays(today!.day, FEE_INVOICE_TERMS_DAYS), lines,
    },
  });
  return result.id;
}

interface PostingRow extends Record<string, unknown> {
  id: string; customer_id: string; customer_name: string; invoice_id: string; invoice_number: string; invoice_external_id: string; provider: string;
  currency: string; interest_minor: string; fixed_minor: string; as_of: string; status: FeePostingStatus; outbox_status: string | null; done_at: Date | null;
  requested_by: string; requested_at: Date; decided_by: string | null; decided_at: Date | null; decision_note: string | null;
  provider_invoice_id: string | null; provider_invoice_version: string | null;
}

async function selectPostings(db: Executor, organizationId: string, where: ReturnType<typeof sql>): Promise<FeePosting[]> {
  const { rows } = await db.execute<PostingRow>(sql`
    SELECT p.id, p.customer_id, c.name AS customer_name, p.invoice_id, coalesce(i.number, i.external_id) AS invoice_number, i.external_id AS invoice_external_id,
           k.provider::text AS provider, p.currency::text, p.interest_minor::text, p.fixed_minor::text, p.as_of::text, p.status,
           o.status::text AS outbox_status, o.done_at, p.requested_by, p.requested_at, p.decided_by, p.decided_at, p.decision_note,
           p.provider_invoice_id, p.provider_invoice_version
      FROM fee_postings p JOIN customers c ON c.id = p.customer_id JOIN invoices i ON i.id = p.invoice_id
      JOIN connections k ON k.id = p.connection_id LEFT JOIN outbox o ON o.id = p.outbox_id
     WHERE p.organization_id = ${organizationId}::uuid AND ${where}
     ORDER BY p.requested_at DESC, p.id LIMIT 500`);
  return rows.map((r) => {
    const interest = BigInt(r.interest_minor);
    const fixed = BigInt(r.fixed_minor);
    const posting = r.status !== 'approved' ? null : r.outbox_status === 'done' ? 'posted' : r.outbox_status === 'parked' ? 'failed' : 'queued';
    return {
      id: r.id, customer: { id: r.customer_id, name: r.customer_name }, invoice: { id: r.invoice_id, number: r.invoice_number, externalId: r.invoice_external_id },
      provider: r.provider, currency: r.currency, interest: formatMinor(interest, r.currency), fixed: formatMinor(fixed, r.currency),
      total: formatMinor(interest + fixed, r.currency), asOf: r.as_of, status: r.status, posting,
      postedAt: posting === 'posted' && r.done_at ? new Date(r.done_at).toISOString() : null,
      providerInvoice: r.provider_invoice_id ? { id: r.provider_invoice_id, version: r.provider_invoice_version } : null,
      requestedBy: r.requested_by, requestedAt: new Date(r.requested_at).toISOString(), decidedBy: r.decided_by,
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null, decisionNote: r.decision_note,
    };
  });
}

export async function getFeePosting(db: Executor, organizationId: string, id: string): Promise<FeePosting | null> {
  return (await selectPostings(db, organizationId, sql`p.id = ${id}::uuid`))[0] ?? null;
}

export function listFeePostings(db: Executor, organizationId: string, filter: { status?: FeePostingStatus; customerIds?: string[] | null; invoiceId?: string } = {}): Promise<FeePosting[]> {
  const parts = [sql`true`];
  if (filter.status) parts.push(sql`p.status = ${filter.status}`);
  if (filter.customerIds) parts.push(sql`p.customer_id = ANY(${sql.param(filter.customerIds)}::uuid[])`);
  if (filter.invoiceId) parts.push(sql`p.invoice_id = ${filter.invoiceId}::uuid`);
  return selectPostings(db, organizationId, sql.join(parts, sql` AND `));
}

/**
 * Fees approved for posting on these invoices (store ids), per invoice: what a reminder shows as
 * posted and owed. Only approved postings count: a waived fee is not owed, a requested one not yet.
 */
export async function postedFeesFor(db: Executor, invoiceIds: readonly string[]): Promise<Map<string, { interest: bigint; fixed: bigint; posted: boolean }>> {
  const out = new Map<string, { interest: bigint; fixed: bigint; posted: boolean }>();
  if (invoiceIds.length === 0) return out;
  const { rows } = await db.execute<{ invoice_id: string; interest: string; fixed: string; posted: boolean }>(sql`
    SELECT p.invoice_id, sum(p.interest_minor)::text AS interest, sum(p.fixed_minor)::text AS fixed, bool_and(o.status = 'done') AS posted
      FROM fee_postings p LEFT JOIN outbox o ON o.id = p.outbox_id
     WHERE p.invoice_id = ANY(${sql.param([...invoiceIds])}::uuid[]) AND p.status = 'approved' GROUP BY p.invoice_id`);
  for (const r of rows) out.set(r.invoice_id, { interest: BigInt(r.interest), fixed: BigInt(r.fixed), posted: r.posted === true });
  return out;
}
