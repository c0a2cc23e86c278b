/**
 * What a person needs to look at the demo in a browser: a console user, admin of the demo's
 * organizations, with a new password each run (printed once, only its hash kept), and a portal
 * link of one demo customer who has an open overdue invoice.
 */
import { sql } from 'drizzle-orm';
import { createUser, findUserByEmail, generatePassword, grantMembership, recordAudit, setPassword } from '../../core/access/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { issuePortalLink } from '../../core/portal/index.ts';
import type { Db } from '../../core/store/index.ts';

export const DEMO_EMAIL = 'demo@relance.example';
const ACTOR = 'cli:demo';

/** Creates the demo user (or gives it a new password) and makes it admin of each organization. */
export async function ensureDemoUser(db: Db, organizationIds: readonly string[]): Promise<{ id: string; email: string; password: string }> {
  const password = generatePassword();
  const id = await db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, DEMO_EMAIL);
    const account = existing ?? (await createUser(tx, { email: DEMO_EMAIL, password }));
    if (existing) await setPassword(tx, existing.id, password);
    for (const organizationId of organizationIds) {
      await grantMembership(tx, { userId: account.id, organizationId, role: 'admin' });
      await recordAudit(tx, { organizationId, actor: ACTOR, kind: 'audit.membership.grant', payload: { userId: account.id, role: 'admin' } });
    }
    return account.id;
  });
  return { id, email: DEMO_EMAIL, password };
}

/**
 * A portal link of the first customer (by name) of the first organization that has one with an
 * open invoice past due on `asOf`; null when no customer is overdue.
 */
export async function demoPortalLink(
  db: Db,
  keys: KeyRing,
  input: { organizationIds: readonly string[]; asOf: string; publicUrl: string },
): Promise<{ customerName: string; url: string } | null> {
  for (const organizationId of input.organizationIds) {
    const { rows } = await db.execute<{ id: string; name: string }>(sql`
      SELECT c.id, c.name FROM customers c
       WHERE c.organization_id = ${organizationId}::uuid
         AND EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id AND i.status = 'open'
                        AND i.balance_minor > 0 AND i.due_date < ${input.asOf}::date)
       ORDER BY c.name LIMIT 1`);
    const customer = rows[0];
    if (!customer) continue;
    const link = await issuePortalLink(db, keys, { organizationId, customerId: customer.id, createdBy: ACTOR, publicUrl: input.publicUrl });
    return { customerName: customer.name, url: link.url };
  }
  return null;
}
