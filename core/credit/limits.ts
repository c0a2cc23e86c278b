/**
 * Credit limits and payment terms, granted by a request and a decision: a collector or an admin
 * asks (with a reason, and the rule's proposal beside it), an admin approves or rejects, and who
 * and when are kept on the request. An approved limit lives on `customer_credit` (and mirrors
 * into the dunning profile, where the payer score reads it) with its expiry; the daily review
 * warns before it lapses. HubSpot shows the limit on the company; QuickBooks and Xero have no
 * place for one, so nothing is written there.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { isIsoDate } from '../calendar/index.ts';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { formatMinor, isCurrency, toMinor } from '../money.ts';
import type { Executor, Tx } from '../store/index.ts';
import { activities } from '../store/schema/index.ts';
import { queueCompanyCredit } from './write-back.ts';
import { parseInput } from './parse.ts';

const isoDay = z.string().refine(isIsoDate, 'must be a date written YYYY-MM-DD');

const requestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('limit'),
    amount: z.string().min(1, 'is required'),
    currency: z.string({ error: 'is required: a limit is in one currency' }).refine(isCurrency, 'must be an ISO 4217 code'),
    expiresOn: isoDay.nullish(),
    reason: z.string().trim().min(1, 'must say why'),
  }),
  z.strictObject({
    kind: z.literal('terms'),
    termsDays: z.number().int().min(0).max(365),
    expiresOn: isoDay.nullish(),
    reason: z.string().trim().min(1, 'must say why'),
  }),
]);

export type CreditRequestInput = z.input<typeof requestSchema>;

export interface CreditRequest {
  id: string;
  customerId: string;
  customerName: string;
  kind: 'limit' | 'terms';
  amount: string | null;
  currency: string | null;
  termsDays: number | null;
  expiresOn: string | null;
  reason: string;
  proposal: Record<string, unknown> | null;
  status: 'requested' | 'approved' | 'rejected' | 'withdrawn';
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
}

interface RequestRow extends Record<string, unknown> {
  id: string;
  customer_id: string;
  customer_name: string;
  kind: 'limit' | 'terms';
  amount_minor: string | null;
  currency: string | null;
  terms_days: number | null;
  expires_on: string | null;
  reason: string;
  proposal: Record<string, unknown> | null;
  status: CreditRequest['status'];
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

function toRequest(r: RequestRow): CreditRequest {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerName: r.customer_name,
    kind: r.kind,
    amount: r.amount_minor === null || r.currency === null ? null : formatMinor(BigInt(r.amount_minor), r.currency),
    currency: r.currency,
    termsDays: r.terms_days,
    expiresOn: r.expires_on,
    reason: r.reason,
    proposal: r.proposal,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: new Date(r.requested_at).toISOString(),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decisionNote: r.decision_note,
  };
}

const SELECT_REQUESTS = sql`
  SELECT r.id, r.customer_id, c.name AS customer_name, r.kind, r.amount_minor::text, r.currency::text, r.terms_days,
         r.expires_on::text, r.reason, r.proposal, r.status, r.requested_by, r.requested_at, r.decided_by, r.decided_at, r.decision_note
    FROM credit_requests r JOIN customers c ON c.id = r.customer_id`;

/** The organization's requests, newest first; `customerIds` narrows to the customers a collector sees. */
export async function listCreditRequests(
  db: Executor,
  organizationId: string,
  filter: { status?: CreditRequest['status']; customerId?: string; customerIds?: string[] | null } = {},
): Promise<CreditRequest[]> {
  const { rows } = await db.execute<RequestRow>(sql`${SELECT_REQUESTS}
   WHERE r.organization_id = ${organizationId}::uuid
     ${filter.status ? sql`AND r.status = ${filter.status}` : sql``}
     ${filter.customerId ? sql`AND r.customer_id = ${filter.customerId}::uuid` : sql``}
     ${filter.customerIds ? sql`AND r.customer_id = ANY(${sql.param(filter.customerIds)}::uuid[])` : sql``}
   ORDER BY r.requested_at DESC, r.id
   LIMIT 500`);
  return rows.map(toRequest);
}

async function customerOf(db: Executor, organizationId: string, customerId: string): Promise<{ id: string; name: string }> {
  const { rows } = await db.execute<{ id: string; name: string }>(
    sql`SELECT id, name FROM customers WHERE id = ${customerId}::uuid AND organization_id = ${organizationId}::uuid`,
  );
  if (!rows[0]) throw new NotFound('customer not found', { field: 'customerId' });
  return rows[0];
}

/**
 * Files a request for a limit or terms. One request of each kind may be pending per customer:
 * a second one is a conflict (withdraw or decide the first).
 */
export async function requestCredit(
  tx: Tx,
  organizationId: string,
  customerId: string,
  input: CreditRequestInput,
  actor: string,
  proposal: Record<string, unknown> | null = null,
): Promise<CreditRequest> {
  const body = parseInput(requestSchema, input, 'credit request');
  await customerOf(tx, organizationId, customerId);
  if (body.kind === 'terms') await checkInsuredTerms(tx, organizationId, customerId, body.termsDays);
  const amount = body.kind === 'limit' ? toMinor(body.amount, body.currency, 'amount') : null;
  if (amount !== null && amount < 0n) throw new InvalidInput('credit request amount: must not be negative', { field: 'amount' });
  const { rows } = await tx.execute<{ id: string }>(sql`
    INSERT INTO credit_requests (organization_id, customer_id, kind, amount_minor, currency, terms_days, expires_on, reason, proposal, requested_by)
    VALUES (${organizationId}::uuid, ${customerId}::uuid, ${body.kind}, ${amount === null ? null : amount.toString()}::bigint,
            ${body.kind === 'limit' ? body.currency : null}, ${body.kind === 'terms' ? body.termsDays : null},
            ${body.expiresOn ?? null}::date, ${body.reason}, ${proposal === null ? null : JSON.stringify(proposal)}::jsonb, ${actor})
    ON CONFLICT (customer_id, kind) WHERE status = 'requested' DO NOTHING
    RETURNING id`);
  if (!rows[0]) throw new Conflict(`a ${body.kind} request is already pending for this customer`, { field: 'kind' });
  await tx.insert(activities).values({
    organizationId, customerId, actor, kind: `credit.${body.kind}.requested`,
    payload: { requestId: rows[0].id, amount: amount === null || body.kind !== 'limit' ? null : formatMinor(amount, body.currency), currency: body.kind === 'limit' ? body.currency : null, termsDays: body.kind === 'terms' ? body.termsDays : null, reason: body.reason },
  });
  return (await listCreditRequests(tx, organizationId, { customerId })).find((r) => r.id === rows[0]!.id)!;
}

const decisionSchema = z.strictObject({ note: z.string().trim().max(2000).nullish() });

/**
 * Approves or rejects a pending request. Approval writes the limit (or terms) on the customer
 * and queues its write-back; the request keeps who decided and when. Deciding twice is a conflict.
 */
export async function decideCredit(
  tx: Tx,
  organizationId: string,
  requestId: string,
  decision: 'approve' | 'reject' | 'withdraw',
  actor: string,
  input: z.input<typeof decisionSchema> = {},
): Promise<CreditRequest> {
  const { note } = parseInput(decisionSchema, input, 'decision');
  const status = decision === 'approve' ? 'approved' : decision === 'reject' ? 'rejected' : 'withdrawn';
  const { rows } = await tx.execute<RequestRow & { organization_id: string }>(sql`
    UPDATE credit_requests SET status = ${status}, decided_by = ${actor}, decided_at = now(), decision_note = ${note ?? null}
     WHERE id = ${requestId}::uuid AND organization_id = ${organizationId}::uuid AND status = 'requested'
     RETURNING id, customer_id, '' AS customer_name, kind, amount_minor::text, currency::text, terms_days, expires_on::text, reason,
               proposal, status, requested_by, requested_at, decided_by, decided_at, decision_note`);
  const row = rows[0];
  if (!row) {
    const { rows: existing } = await tx.execute<{ status: string }>(
      sql`SELECT status FROM credit_requests WHERE id = ${requestId}::uuid AND organization_id = ${organizationId}::uuid`,
    );
    if (!existing[0]) throw new NotFound('credit request not found', { field: 'requestId' });
    throw new Conflict(`credit request is already ${existing[0].status}`, { field: 'requestId' });
  }
  if (status === 'approved') await grant(tx, organizationId, row);
  await tx.insert(activities).values({
    organizationId, customerId: row.customer_id, actor, kind: `credit.${row.kind}.${status}`,
    payload: { requestId: row.id, note: note ?? null },
  });
  return (await listCreditRequests(tx, organizationId, { customerId: row.customer_id })).find((r) => r.id === row.id)!;
}

async function grant(tx: Tx, organizationId: string, row: RequestRow): Promise<void> {
  if (row.kind === 'limit') {
    await tx.execute(sql`
      INSERT INTO customer_credit (customer_id, organization_id, limit_minor, limit_currency, limit_expires_on, limit_request_id)
      VALUES (${row.customer_id}::uuid, ${organizationId}::uuid, ${row.amount_minor}::bigint, ${row.currency}, ${row.expires_on}::date, ${row.id}::uuid)
      ON CONFLICT (customer_id) DO UPDATE SET limit_minor = EXCLUDED.limit_minor, limit_currency = EXCLUDED.limit_currency,
        limit_expires_on = EXCLUDED.limit_expires_on, limit_request_id = EXCLUDED.limit_request_id, updated_at = now()`);
    // The payer score's "balance against limit" factor reads the dunning profile.
    await tx.execute(sql`
      INSERT INTO customer_dunning_profiles (customer_id, organization_id, credit_limit_minor, credit_limit_currency)
      VALUES (${row.customer_id}::uuid, ${organizationId}::uuid, ${row.amount_minor}::bigint, ${row.currency})
      ON CONFLICT (customer_id) DO UPDATE SET credit_limit_minor = EXCLUDED.credit_limit_minor,
        credit_limit_currency = EXCLUDED.credit_limit_currency, updated_at = now()`);
    await queueCompanyCredit(tx, organizationId, row.customer_id, `credit-limit:${row.id}`, {
      creditLimit: `${formatMinor(BigInt(row.amount_minor!), row.currency!)} ${row.currency}`,
    });
  } else {
    await tx.execute(sql`
      INSERT INTO customer_credit (customer_id, organization_id, terms_days, terms_expires_on, terms_request_id)
      VALUES (${row.customer_id}::uuid, ${organizationId}::uuid, ${row.terms_days}, ${row.expires_on}::date, ${row.id}::uuid)
      ON CONFLICT (customer_id) DO UPDATE SET terms_days = EXCLUDED.terms_days, terms_expires_on = EXCLUDED.terms_expires_on,
        terms_request_id = EXCLUDED.terms_request_id, updated_at = now()`);
  }
}

/**
 * Terms longer than the credit insurer accepts would lose the cover on an insured customer:
 * refused, naming the insurer's maximum, rather than granted silently.
 */
async function checkInsuredTerms(tx: Tx, organizationId: string, customerId: string, termsDays: number): Promise<void> {
  const { rows } = await tx.execute<{ insurer: string; max_extension_days: number }>(sql`
    SELECT p.insurer, p.max_extension_days FROM credit_insurance_policies p
      JOIN customer_credit cc ON cc.organization_id = p.organization_id AND cc.customer_id = ${customerId}::uuid AND cc.insured_limit_minor IS NOT NULL
     WHERE p.organization_id = ${organizationId}::uuid`);
  const policy = rows[0];
  if (policy && termsDays > policy.max_extension_days) {
    throw new InvalidInput(`credit request termsDays: ${termsDays} days is more than ${policy.insurer} insures (${policy.max_extension_days} days)`, { field: 'termsDays' });
  }
}
