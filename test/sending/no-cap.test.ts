/**
 * The production send path has no cap per pass or per interval: 5,000 due reminders go out in one
 * pass sequence — one `sendDueActions` call claiming batch after batch until nothing is due — each
 * once, each finalized (its activity written).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { renderMessage } from '../../core/messages/index.ts';
import { DEFAULT_BATCH_SIZE, sendDueActions } from '../../core/sending/index.ts';
import { seedDueReminders } from '../../bench/send.ts';
import { closeSendTestbed, openSendTestbed, type SendTestbed } from './testbed.ts';

const REMINDERS = 5000;

let bed: SendTestbed;
beforeAll(async () => void (bed = await openSendTestbed()));
afterAll(() => closeSendTestbed(bed ?? {}));

describe('a send pass', () => {
  it(`sends all of ${REMINDERS} due reminders in one pass sequence, each once`, { timeout: 240_000 }, async () => {
    const { t, sink, smtp } = bed;
    const org = await seedDueReminders(t, REMINDERS);
    const pass = await sendDueActions(t.db, { channels: { email: smtp }, render: (i) => renderMessage(i), workerId: 'w1' }, { organizationId: org });
    expect(pass.claimed).toBe(REMINDERS);
    expect(pass.outcomes).toEqual({ sent: REMINDERS, cancelled: 0, held: 0, lost: 0, retry: 0, failed: 0 });
    expect(pass.batches).toBe(Math.ceil(REMINDERS / DEFAULT_BATCH_SIZE));
    const ids = sink.accepted.map((m) => m.messageId);
    expect(ids).toHaveLength(REMINDERS);
    expect(new Set(ids).size).toBe(REMINDERS);
    const { rows: [counts] } = await t.db.execute<{ left: number; pending: number; activities: number }>(sql`
      SELECT count(*) FILTER (WHERE status <> 'sent')::int AS left, count(*) FILTER (WHERE finalize_pending IS NOT NULL)::int AS pending,
             (SELECT count(*)::int FROM activities WHERE organization_id = ${org} AND kind = 'reminder.sent') AS activities
        FROM actions WHERE organization_id = ${org}`);
    expect(counts).toEqual({ left: 0, pending: 0, activities: REMINDERS });
  });
});
