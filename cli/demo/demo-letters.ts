/**
 * What the demo's letters need that no person is there to give. First the sender's address: connect
 * reads the company's own address from QuickBooks' CompanyInfo and Xero's Organisation, but a source
 * that has none (HubSpot is no ledger) leaves the organization without one, so an organization of
 * the demo without one gets a made-up address of its country (audited under `cli:demo`, and said
 * in the summary), as an admin would type it in the settings. Then the demo's approvals: the shipped scenarios send a formal-notice letter only once a person has
 * approved it (as a credit manager would sign one). The demo has no person at the console while it
 * runs, so its admin user approves the letters waiting for approval — each one audited under that
 * user, its timeline saying who approved it — and says so in the summary. A letter held for a
 * missing piece (its `holdReason`) is left in the queue: approving it would only hold it again.
 * The other steps that need approval (a firmer email) stay in the console's queue to be looked at.
 */
import { sql } from 'drizzle-orm';
import { recordAudit } from '../../core/access/index.ts';
import { approveActions } from '../../core/approvals/index.ts';
import type { Db } from '../../core/store/index.ts';
import type { PostalAddress } from '../../core/store/schema/columns.ts';

/** A made-up address per country for the demo's own companies (the sandbox's ledgers are US and GB). */
const DEMO_SENDER: Record<string, PostalAddress> = {
  US: { lines: ['100 Harbor Way', 'Suite 400'], city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' },
  GB: { lines: ['20 Riverside Walk'], city: 'London', postalCode: 'SE1 9PG', country: 'GB' },
  FR: { lines: ['8 rue de la Paix'], city: 'Paris', postalCode: '75002', country: 'FR' },
};

/** Gives each organization without a sender address the demo's one for its country; returns the names of those set. */
export async function ensureDemoSenderAddresses(db: Db, organizationIds: readonly string[]): Promise<string[]> {
  const set: string[] = [];
  for (const organizationId of organizationIds) {
    const { rows } = await db.execute<{ name: string; country: string }>(sql`
      SELECT name, country FROM organizations WHERE id = ${organizationId}::uuid AND sender_address IS NULL`);
    const org = rows[0];
    const address = org && (DEMO_SENDER[org.country] ?? { ...DEMO_SENDER.US!, country: org.country });
    if (!org || !address) continue;
    await db.execute(sql`UPDATE organizations SET sender_address = ${JSON.stringify(address)}::jsonb, updated_at = now() WHERE id = ${organizationId}::uuid AND sender_address IS NULL`);
    await recordAudit(db, { organizationId, actor: 'cli:demo', kind: 'audit.organization.letters', payload: { senderAddress: address, via: 'relance demo' } });
    set.push(org.name);
  }
  return set;
}

export interface DemoApprovals {
  /** Letters approved by the demo's admin in this run. */
  approved: number;
  /** Who approved them (the demo user's email), for the summary. */
  by: string;
}

/** Approves, as `user`, the letters of `organizationIds` awaiting approval that are not held. */
export async function approveDemoLetters(db: Db, organizationIds: readonly string[], user: { id: string; email: string }): Promise<DemoApprovals> {
  let approved = 0;
  for (const organizationId of organizationIds) {
    const { rows } = await db.execute<{ id: string }>(sql`
      SELECT id FROM actions
       WHERE organization_id = ${organizationId}::uuid AND channel = 'letter' AND status = 'awaiting_approval'
         AND NOT (details ? 'holdReason')
       ORDER BY scheduled_for, id`);
    if (rows.length === 0) continue;
    const results = await approveActions(db, rows.map((r) => r.id), user.id);
    const ids = results.filter((r) => r.ok).map((r) => r.id);
    approved += ids.length;
    if (ids.length) {
      await recordAudit(db, { organizationId, actor: `user:${user.id}`, kind: 'audit.action.approve', payload: { ids, via: 'relance demo', channel: 'letter' } });
    }
  }
  return { approved, by: user.email };
}
