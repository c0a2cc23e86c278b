/**
 * Matching on the store: customers of the organization's accounting connections against the
 * companies of one CRM connection. Automatic links are recomputed on every run; an admin's
 * decisions (`customer_match_decisions`) are read first and never overridden, so they stick across
 * syncs. What needs an admin is listed in `customer_match_reviews`.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInput, NotFound } from '../errors.ts';
import type { Db } from '../store/index.ts';
import { matchCustomers, type Candidate, type MatchDecision, type MatchOutcome } from './match.ts';

export interface MatchReport {
  linked: Record<string, number>;
  review: number;
  none: number;
}

async function loadInputs(db: Db, organizationId: string, crmConnectionId: string) {
  const customers = await db.execute<{ id: string; externalId: string; name: string; email: string | null }>(sql`
    SELECT c.id, c.external_id AS "externalId", c.name, c.email FROM customers c
    WHERE c.organization_id = ${organizationId}::uuid AND c.connection_id <> ${crmConnectionId}::uuid AND c.active ORDER BY c.id`);
  const companies = await db.execute<{ externalId: string; name: string | null; domain: string | null; linkedCustomerExternalId: string | null }>(sql`
    SELECT external_id AS "externalId", name, domain, linked_customer_external_id AS "linkedCustomerExternalId" FROM crm_records
    WHERE connection_id = ${crmConnectionId}::uuid AND object_type = 'company'`);
  const decisions = await db.execute<{ customerId: string; companyExternalId: string; decision: MatchDecision['decision'] }>(sql`
    SELECT customer_id AS "customerId", company_external_id AS "companyExternalId", decision FROM customer_match_decisions
    WHERE connection_id = ${crmConnectionId}::uuid`);
  return { customers: customers.rows, companies: companies.rows, decisions: decisions.rows };
}

/** Runs matching for one CRM connection and stores links and reviews, in one transaction. */
export async function runMatching(db: Db, organizationId: string, crmConnectionId: string): Promise<MatchReport> {
  const inputs = await loadInputs(db, organizationId, crmConnectionId);
  const outcomes = matchCustomers(inputs.customers, inputs.companies, inputs.decisions);
  await db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM customer_external_refs WHERE connection_id = ${crmConnectionId}::uuid AND kind = 'company'`);
    await tx.execute(sql`DELETE FROM customer_match_reviews WHERE connection_id = ${crmConnectionId}::uuid`);
    const links = outcomes.filter((o): o is Extract<MatchOutcome, { status: 'linked' }> => o.status === 'linked');
    if (links.length) {
      await tx.execute(sql`
        INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by)
        SELECT l.customer_id, ${crmConnectionId}::uuid, 'company', l.external_id, l.matched_by
        FROM unnest(${sql.param(links.map((l) => l.customerId))}::uuid[], ${sql.param(links.map((l) => l.companyExternalId))}::text[], ${sql.param(links.map((l) => l.by))}::text[])
          AS l(customer_id, external_id, matched_by)
        ON CONFLICT (connection_id, kind, external_id) DO NOTHING`);
    }
    const reviews = outcomes.filter((o): o is Extract<MatchOutcome, { status: 'review' }> => o.status === 'review');
    if (reviews.length) {
      await tx.execute(sql`
        INSERT INTO customer_match_reviews (customer_id, connection_id, reason, candidates)
        SELECT r.customer_id, ${crmConnectionId}::uuid, r.reason, r.candidates::jsonb
        FROM unnest(${sql.param(reviews.map((r) => r.customerId))}::uuid[], ${sql.param(reviews.map((r) => r.reason))}::text[], ${sql.param(reviews.map((r) => JSON.stringify(r.candidates)))}::text[])
          AS r(customer_id, reason, candidates)`);
    }
  });
  const report: MatchReport = { linked: {}, review: 0, none: 0 };
  for (const o of outcomes) {
    if (o.status === 'linked') report.linked[o.by] = (report.linked[o.by] ?? 0) + 1;
    else if (o.status === 'review') report.review += 1;
    else report.none += 1;
  }
  return report;
}

const decisionSchema = z.strictObject({
  customerId: z.uuid(),
  connectionId: z.uuid(),
  companyExternalId: z.string().trim().min(1),
  decision: z.enum(['link', 'reject']),
  decidedBy: z.string().trim().min(1),
});

export type DecisionInput = z.input<typeof decisionSchema>;

/**
 * Records an admin's decision and applies it at once: a link replaces the customer's automatic link
 * (and takes the company from any other customer); a rejection removes that link if it existed.
 */
export async function decideMatch(db: Db, input: DecisionInput): Promise<void> {
  const parsed = decisionSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`match decision ${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const d = parsed.data;
  const company = await db.execute(sql`SELECT 1 FROM crm_records WHERE connection_id = ${d.connectionId}::uuid AND object_type = 'company' AND external_id = ${d.companyExternalId}`);
  if (company.rows.length === 0) throw new NotFound(`match decision companyExternalId: no company ${d.companyExternalId} in connection ${d.connectionId}`, { field: 'companyExternalId' });
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      INSERT INTO customer_match_decisions (customer_id, connection_id, company_external_id, decision, decided_by)
      VALUES (${d.customerId}::uuid, ${d.connectionId}::uuid, ${d.companyExternalId}, ${d.decision}, ${d.decidedBy})
      ON CONFLICT (customer_id, connection_id, company_external_id) DO UPDATE SET decision = EXCLUDED.decision, decided_by = EXCLUDED.decided_by, decided_at = now()`);
    if (d.decision === 'link') {
      // One company per customer: an earlier "link" of this customer to another company gives way.
      await tx.execute(sql`DELETE FROM customer_match_decisions WHERE customer_id = ${d.customerId}::uuid AND connection_id = ${d.connectionId}::uuid AND decision = 'link' AND company_external_id <> ${d.companyExternalId}`);
      await tx.execute(sql`DELETE FROM customer_external_refs WHERE connection_id = ${d.connectionId}::uuid AND kind = 'company' AND (customer_id = ${d.customerId}::uuid OR external_id = ${d.companyExternalId})`);
      await tx.execute(sql`INSERT INTO customer_external_refs (customer_id, connection_id, kind, external_id, matched_by) VALUES (${d.customerId}::uuid, ${d.connectionId}::uuid, 'company', ${d.companyExternalId}, 'manual')`);
      await tx.execute(sql`DELETE FROM customer_match_reviews WHERE customer_id = ${d.customerId}::uuid AND connection_id = ${d.connectionId}::uuid`);
    } else {
      await tx.execute(sql`DELETE FROM customer_external_refs WHERE connection_id = ${d.connectionId}::uuid AND kind = 'company' AND customer_id = ${d.customerId}::uuid AND external_id = ${d.companyExternalId}`);
    }
  });
}

export interface MatchReview {
  customerId: string;
  customerName: string;
  reason: 'ambiguous' | 'weak';
  candidates: Candidate[];
}

/** What waits for an admin on one CRM connection, by customer name. */
export async function listMatchReviews(db: Db, crmConnectionId: string): Promise<MatchReview[]> {
  const { rows } = await db.execute<{ customerId: string; customerName: string; reason: MatchReview['reason']; candidates: Candidate[] }>(sql`
    SELECT r.customer_id AS "customerId", c.name AS "customerName", r.reason, r.candidates FROM customer_match_reviews r
    JOIN customers c ON c.id = r.customer_id WHERE r.connection_id = ${crmConnectionId}::uuid ORDER BY c.name, r.customer_id`);
  return rows;
}

/** The customers a company stands for (usually one). */
export async function customersOfCompany(db: Db, crmConnectionId: string, companyExternalId: string): Promise<string[]> {
  const { rows } = await db.execute<{ customer_id: string }>(sql`
    SELECT customer_id FROM customer_external_refs WHERE connection_id = ${crmConnectionId}::uuid AND kind = 'company' AND external_id = ${companyExternalId}`);
  return rows.map((r) => r.customer_id);
}
