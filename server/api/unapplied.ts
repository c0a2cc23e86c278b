/**
 * Unapplied money (core/unapplied): the suggested applications of payments' unapplied parts and
 * credit notes' remaining credit to open invoices, ranked and explained; recompute them, accept one
 * (allocations recorded, the provider's application queued or said impossible), or dismiss one.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { actorOf, recordAudit, type Membership, type Principal } from '../../core/access/index.ts';
import { formatMinor } from '../../core/money.ts';
import { acceptSuggestion, refreshSuggestions } from '../../core/unapplied/index.ts';
import { orgParams, requireOrg, visibleCustomers, type ApiScope } from './context.ts';
import { HttpError, notFound } from './http-errors.ts';
import { decodeCursor, pageQuery, toPage } from './paging.ts';
import { defineRoute } from './route.ts';

const listQuery = z.object({ status: z.enum(['suggested', 'accepted', 'dismissed']).default('suggested'), ...pageQuery });
const suggestionParams = orgParams.extend({ suggestionId: z.uuid() });

interface SuggestionRow extends Record<string, unknown> {
  id: string; status: string; customer_id: string; customer_name: string; source: 'payment' | 'credit_note';
  money_id: string; raw_kind: string | null; provider: string; external_id: string; reference: string | null;
  money_date: string | null; unapplied: string; currency: string; invoices: { id: string; number: string | null; due_date: string | null; balance: string }[];
  amounts: string[]; rule: string; score: number; rank: number; explanation: string; decided_by: string | null; decided_at: Date | null; created_at: Date;
}

function toJson(r: SuggestionRow) {
  const amounts = r.amounts.map(BigInt);
  const money = (m: bigint) => formatMinor(m, r.currency);
  return {
    id: r.id,
    status: r.status,
    customer: { id: r.customer_id, name: r.customer_name },
    unapplied: {
      kind: r.source === 'payment' ? (r.raw_kind ?? 'payment') : 'credit_note',
      id: r.money_id, provider: r.provider, providerReference: r.external_id, reference: r.reference, date: r.money_date,
      amount: money(BigInt(r.unapplied)), currency: r.currency,
    },
    invoices: r.invoices.map((i, k) => ({ id: i.id, number: i.number, dueDate: i.due_date, balance: money(BigInt(i.balance)), amount: money(amounts[k] ?? 0n) })),
    amount: money(amounts.reduce((a, b) => a + b, 0n)),
    currency: r.currency,
    rule: r.rule,
    score: r.score,
    rank: r.rank,
    explanation: r.explanation,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  };
}

export function unappliedRoutes(app: FastifyInstance, scope: ApiScope): void {
  const { db, registry } = scope;

  /** The suggestions of the organization that the member sees, best first; `only` narrows to one. */
  async function select(principal: Principal, membership: Membership, filter: { status?: string; only?: string; after?: { key: string | null; id: string } | null; limit: number }) {
    const visible = await visibleCustomers(db, principal, membership);
    const after = filter.after ? sql`AND (s.score < ${Number(filter.after.key)} OR (s.score = ${Number(filter.after.key)} AND s.id > ${filter.after.id}::uuid))` : sql``;
    const { rows } = await db.execute<SuggestionRow>(sql`
      SELECT * FROM (
        SELECT s.id, s.status, s.customer_id, c.name AS customer_name, s.source::text AS source, COALESCE(s.payment_id, s.credit_note_id) AS money_id,
               CASE WHEN p.raw ? 'OverpaymentID' THEN 'overpayment' WHEN p.raw ? 'PrepaymentID' THEN 'prepayment' END AS raw_kind,
               k.provider::text AS provider, COALESCE(p.external_id, n.external_id) AS external_id, COALESCE(p.reference, n.number) AS reference,
               COALESCE(p.date, n.issue_date)::text AS money_date, COALESCE(p.unapplied_minor, n.remaining_minor)::text AS unapplied, s.currency::text AS currency,
               (SELECT COALESCE(json_agg(json_build_object('id', i.id, 'number', i.number, 'due_date', i.due_date, 'balance', i.balance_minor::text) ORDER BY x.k), '[]')
                  FROM unnest(s.invoice_ids) WITH ORDINALITY AS x(invoice_id, k) JOIN invoices i ON i.id = x.invoice_id) AS invoices,
               s.amounts_minor::text[] AS amounts, s.rule, s.score, s.explanation, s.decided_by, s.decided_at, s.created_at, s.organization_id,
               rank() OVER (PARTITION BY COALESCE(s.payment_id, s.credit_note_id), s.status ORDER BY s.score DESC)::int AS rank
          FROM unapplied_suggestions s
          JOIN customers c ON c.id = s.customer_id
          LEFT JOIN payments p ON p.id = s.payment_id
          LEFT JOIN credit_notes n ON n.id = s.credit_note_id
          JOIN connections k ON k.id = COALESCE(p.connection_id, n.connection_id)
         WHERE s.organization_id = ${membership.organizationId}::uuid
           ${filter.status ? sql`AND s.status = ${filter.status}` : sql``}
           ${visible === null ? sql`` : sql`AND s.customer_id = ANY(${sql.param(visible)}::uuid[])`}
      ) s
      WHERE true ${filter.only ? sql`AND s.id = ${filter.only}::uuid` : sql``} ${after}
      ORDER BY s.score DESC, s.id
      LIMIT ${filter.limit}`);
    return rows;
  }

  /** The suggestion, if the member sees it: 404 otherwise. */
  async function findVisible(principal: Principal, membership: Membership, suggestionId: string): Promise<SuggestionRow> {
    const [row] = await select(principal, membership, { only: suggestionId, limit: 1 });
    if (!row) throw notFound('suggestion', 'suggestionId');
    return row;
  }

  defineRoute(app, registry, { method: 'GET', url: '/api/organizations/:orgId/unapplied-suggestions', summary: 'Suggested applications of unapplied money, best first, paged', tag: 'unapplied', params: orgParams, query: listQuery }, async ({ principal, params, query }) => {
    const membership = requireOrg(principal, params.orgId, 'read', 'reading unapplied money');
    const rows = await select(principal, membership, { status: query.status, after: decodeCursor(query.cursor), limit: query.limit + 1 });
    return toPage(rows, query.limit, (r) => [String(r.score), r.id], toJson);
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/unapplied-suggestions/refresh', summary: 'Recompute the open suggestions (decided ones stay)', tag: 'unapplied', params: orgParams }, async ({ principal, params }) => {
    requireOrg(principal, params.orgId, 'collect', 'refreshing suggestions');
    const open = await refreshSuggestions(db, params.orgId);
    await recordAudit(db, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.unapplied.refresh', payload: { open } });
    return { open };
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/unapplied-suggestions/:suggestionId/accept', summary: 'Accept a suggestion: allocations recorded, the provider application queued or said impossible', tag: 'unapplied', params: suggestionParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'applying money');
    const row = await findVisible(principal, membership, params.suggestionId);
    return db.transaction(async (tx) => {
      const result = await acceptSuggestion(tx, row.id, principal.userId);
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.unapplied.accept', customerId: row.customer_id, payload: { suggestionId: row.id, writeBack: result.writeBack.status } });
      return result;
    });
  });

  defineRoute(app, registry, { method: 'POST', url: '/api/organizations/:orgId/unapplied-suggestions/:suggestionId/dismiss', summary: 'Dismiss a suggestion', tag: 'unapplied', params: suggestionParams }, async ({ principal, params }) => {
    const membership = requireOrg(principal, params.orgId, 'collect', 'dismissing suggestions');
    const row = await findVisible(principal, membership, params.suggestionId);
    return db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ id: string }>(sql`
        UPDATE unapplied_suggestions SET status = 'dismissed', decided_by = ${principal.userId}, decided_at = now()
         WHERE id = ${row.id}::uuid AND status = 'suggested' RETURNING id`);
      if (!rows[0]) throw new HttpError(409, 'conflict', `suggestion is already ${row.status}`, 'suggestionId');
      await recordAudit(tx, { organizationId: params.orgId, actor: actorOf(principal), kind: 'audit.unapplied.dismiss', customerId: row.customer_id, payload: { suggestionId: row.id } });
      return { id: row.id, status: 'dismissed' };
    });
  });
}
