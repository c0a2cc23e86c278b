/**
 * Issue 13.9: the plan and the portal link on the CRM companies — HubSpot's `relance_next_action`,
 * `relance_next_action_date` and `relance_portal_link`. After whatever changes a plan (the daily
 * run, a customer re-planned, a send pass, new company links from matching) this computes, per
 * linked company, the customer's next planned action and its live portal link, and queues one
 * `set_company_properties` only when they differ from the last values queued for that company: one
 * write per company per change of its figures, never one per action (the outbox then supersedes a
 * pending older one with the newer, and the HubSpot connector batches the companies).
 */
import { sql } from 'drizzle-orm';
import type { KeyRing } from '../crypto.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import { signPortalToken } from '../portal/index.ts';
import type { Db } from '../store/index.ts';

interface PlanRow extends Record<string, unknown> {
  ref_id: string;
  organization_id: string;
  connection_id: string;
  external_id: string;
  customer_id: string;
  channel: string | null;
  step: number | null;
  scheduled_for: string | null;
  /** The customer's longest-lived live portal link: its row and expiry (epoch ms). */
  link_id: string | null;
  link_expires_ms: string | null;
  last_seq: string | null;
  last: { nextAction?: string | null; nextActionDate?: string | null; portalLink?: string | null } | null;
}

export interface CompanyPlanOptions {
  /** Only these customers' companies (a re-plan of one customer); all the organization's otherwise. */
  customerIds?: readonly string[];
  /** To sign the customer's live portal link; without both, the link is left as it is in the CRM. */
  keys?: KeyRing | null;
  publicUrl?: string | null;
  now?: Date;
}

/** "email, step 2": what the next planned action is, in words a salesperson reads. */
export function nextActionLabel(channel: string | null, step: number | null): string | null {
  if (channel === null) return null;
  return step === null ? channel : `${channel}, step ${step}`;
}

/** Queues the changed plan properties of the organization's linked companies; returns the companies queued. */
export async function enqueueCompanyPlans(db: Db, organizationId: string, options: CompanyPlanOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const only = options.customerIds ? sql`AND c.id = ANY(${sql.param([...options.customerIds])}::uuid[])` : sql``;
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<PlanRow>(sql`
      SELECT r.id AS ref_id, c.organization_id, r.connection_id, r.external_id, c.id AS customer_id,
             next.channel, next.step, next.scheduled_for::text AS scheduled_for,
             link.id AS link_id, (extract(epoch FROM link.expires_at) * 1000)::bigint::text AS link_expires_ms,
             last.seq::text AS last_seq, last.props AS last
        FROM customer_external_refs r
        JOIN customers c ON c.id = r.customer_id
        LEFT JOIN LATERAL (
          SELECT a.channel::text AS channel, a.step, a.scheduled_for FROM actions a
           WHERE a.customer_id = c.id AND a.status IN ('planned', 'awaiting_approval')
           ORDER BY a.scheduled_for, a.step, a.id LIMIT 1) next ON true
        LEFT JOIN LATERAL (
          SELECT t.id, t.expires_at FROM portal_tokens t
           WHERE t.organization_id = c.organization_id AND t.customer_id = c.id AND t.revoked_at IS NULL AND t.expires_at >= ${now.toISOString()}::timestamptz
           ORDER BY t.expires_at DESC LIMIT 1) link ON true
        LEFT JOIN LATERAL (
          SELECT x.seq, x.payload->'properties' AS props FROM outbox x
           WHERE x.connection_id = r.connection_id AND x.record_key = 'company:' || r.external_id
             AND x.kind = 'set_company_properties' AND x.payload->'properties' ? 'nextAction'
           ORDER BY x.seq DESC LIMIT 1) last ON true
       WHERE c.organization_id = ${organizationId}::uuid AND r.kind = 'company' ${only}
       ORDER BY r.external_id, r.id`);
    const signLinks = Boolean(options.keys && options.publicUrl);
    let queued = 0;
    for (const row of rows) {
      const properties: { nextAction: string | null; nextActionDate: string | null; portalLink?: string | null } = {
        nextAction: nextActionLabel(row.channel, row.step),
        nextActionDate: row.scheduled_for,
      };
      if (signLinks) {
        // The same link core/portal's liveLinkOf gives (a token is a pure function of its row and the key), without a query per company.
        properties.portalLink = row.link_id === null ? null
          : new URL(`/portal/${signPortalToken(options.keys!, { tokenId: row.link_id, expiresAt: new Date(Number(row.link_expires_ms)) })}`, options.publicUrl!).toString();
      }
      const last = row.last;
      const same = last !== null
        && (last.nextAction ?? null) === properties.nextAction
        && (last.nextActionDate ?? null) === properties.nextActionDate
        && (!signLinks || (last.portalLink ?? null) === properties.portalLink);
      // Nothing planned and nothing ever written: nothing to clear either.
      if (same || (last === null && properties.nextAction === null && !properties.portalLink)) continue;
      const result = await enqueuePushChange(tx, {
        organizationId: row.organization_id, connectionId: row.connection_id,
        idempotencyKey: `company-plan:${row.ref_id}:after:${row.last_seq ?? 0}`,
        change: { kind: 'set_company_properties', companyExternalId: row.external_id, properties },
      });
      if (result.created) queued += 1;
    }
    return queued;
  });
}
