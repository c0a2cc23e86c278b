/**
 * The acceptance writer (core/sending/acceptance.ts): acceptances whose 250s the event loop sees in
 * one turn go in one statement, written at the end of that turn; a later one goes in its own. Each
 * records the action `sent` with its bookkeeping and the message as it left, and only while the
 * claim is still this worker's.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDueReminders } from '../../bench/send.ts';
import { AcceptanceWriter } from '../../core/sending/acceptance.ts';
import { loadActionsForSend } from '../../core/sending/compose.ts';
import type { Delivery } from '../../core/sending/deliver.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

let t: TestDatabase;
beforeAll(async () => void (t = await createTestDatabase()));
afterAll(() => t?.drop());

const delivery = (n: number): Delivery => ({
  providerMessageId: `<m${n}@example.test>`, channel: 'email', to: `c${n}@example.test`, fellBack: false,
  sent: { subject: `Reminder ${n}`, text: `text ${n}`, html: `<p>html ${n}</p>` },
});

describe('the acceptance writer', () => {
  it('writes the acceptances seen in one turn in one statement, and only those still ours', async () => {
    const org = await seedDueReminders(t, 5);
    const { rows } = await t.db.execute<{ id: string }>(sql`SELECT id FROM actions WHERE organization_id = ${org} ORDER BY id`);
    const ids = rows.map((r) => r.id);
    await t.db.execute(sql`UPDATE actions SET status = 'sending', claimed_by = 'w1', claimed_at = now() WHERE organization_id = ${org}`);
    // The last one is another worker's by now.
    await t.db.execute(sql`UPDATE actions SET claimed_by = 'w2' WHERE id = ${ids[4]!}`);
    const actions = await loadActionsForSend(t.db, ids);
    const writer = new AcceptanceWriter(t.db, 'w1');
    const now = new Date();

    const sameTurn = [writer.accept(actions[0]!, delivery(0), now), writer.accept(actions[1]!, delivery(1), now), writer.accept(actions[4]!, delivery(4), now)];
    expect(await Promise.all(sameTurn)).toEqual([true, true, false]);
    expect({ statements: writer.statements, accepted: writer.accepted }).toEqual({ statements: 1, accepted: 3 });
    expect(await writer.accept(actions[2]!, delivery(2), now)).toBe(true);
    expect({ statements: writer.statements, accepted: writer.accepted }).toEqual({ statements: 2, accepted: 4 });

    const { rows: after } = await t.db.execute<{ id: string; status: string; pending: { providerMessageId: string; to: string } | null; subject: string | null; html: string | null }>(sql`
      SELECT a.id, a.status::text AS status, a.finalize_pending AS pending, m.subject, m.html_body AS html
        FROM actions a LEFT JOIN sent_messages m ON m.action_id = a.id WHERE a.organization_id = ${org} ORDER BY a.id`);
    expect(after.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sending', 'sending']);
    expect(after[1]).toMatchObject({ pending: { providerMessageId: '<m1@example.test>', to: 'c1@example.test' }, subject: 'Reminder 1', html: '<p>html 1</p>' });
    expect(after[4]).toMatchObject({ pending: null, subject: null });
  });
});
