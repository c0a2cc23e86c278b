/**
 * IMAP IDLE against the real dovecot of the inbox tests (core/inbox/idle.ts): a watcher settles in
 * IDLE, a reply delivered over LMTP while it idles is filed on the customer within a few seconds,
 * read because the server announced it (no poll runs: nothing else calls readMailbox, and the
 * watcher's reads are one at start plus one per announcement); two messages in a row are each filed
 * once; a dovecot that does not offer IDLE leaves the mailbox to polling; the job's watchers say
 * which mailboxes the minute's poll can skip, and stop cleanly.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeySpec, parseKeyRing } from '../../core/crypto.ts';
import { MailboxWatchers, saveMailbox, watchMailbox, type ReadReport } from '../../core/inbox/index.ts';
import { addCustomer, seedOrganization, type OrgFixture } from '../agenda/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { startDovecot, type Dovecot } from './dovecot.ts';
import { rawMessage } from './mail.ts';

const keys = parseKeyRing(generateKeySpec());
let t: TestDatabase;
let dovecot: Dovecot;
let plain: Dovecot;
let f: OrgFixture;
let customerId: string;

beforeAll(async () => {
  [t, dovecot, plain] = await Promise.all([
    createTestDatabase(),
    startDovecot({ relances: 'secret' }),
    // The same server with IDLE left out of its CAPABILITY.
    startDovecot({ relances: 'secret' }, { extraConfig: 'imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SPECIAL-USE' }),
  ]);
  f = await seedOrganization(t.db);
  customerId = await addCustomer(t.db, f, { email: 'paul@client.test', name: 'Client Paul' });
  await saveMailbox(t.db, keys, f.organizationId, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'secret', address: 'relances@relance.test' });
}, 60_000);
afterAll(async () => {
  await dovecot?.stop();
  await plain?.stop();
  await t?.drop();
});

async function filed(): Promise<{ message_id: string; customer_id: string | null }[]> {
  const { rows } = await t.db.execute<{ message_id: string; customer_id: string | null }>(sql`
    SELECT message_id, customer_id FROM inbox_messages WHERE organization_id = ${f.organizationId}::uuid AND direction = 'in' ORDER BY uid`);
  return rows;
}

describe('IMAP IDLE', () => {
  it('files a message delivered while idling within a few seconds, read on the server’s announcement', async () => {
    const reads: ReadReport[] = [];
    const watcher = watchMailbox({ db: t.db, keys }, f.organizationId, { onRead: (r) => reads.push(r) });
    try {
      expect(await watcher.ready()).toBe('idle');
      // The read at start finds the empty mailbox.
      await expect.poll(() => reads.length, { timeout: 5_000, interval: 50 }).toBe(1);
      expect(reads[0]).toMatchObject({ status: 'ok', filed: 0 });
      // Let IDLE be under way, then deliver.
      await new Promise((r) => setTimeout(r, 300));
      const delivered = Date.now();
      await dovecot.deliver(rawMessage({ From: 'Paul <paul@client.test>', To: 'relances@relance.test', Subject: 'Re: Rappel facture', 'Message-ID': '<idle-1@client.test>' }, 'Payé hier, référence VIR-2231.'), 'relances@relance.test', 'paul@client.test');
      await expect.poll(filed, { timeout: 5_000, interval: 50 }).toEqual([{ message_id: '<idle-1@client.test>', customer_id: customerId }]);
      expect(Date.now() - delivered).toBeLessThan(5_000);
      expect(watcher.mode()).toBe('idle');
      // Read on the announcement (no poll runs here): one read more than the one at start, or two when dovecot announced twice.
      // (A read reports once it has ended, a moment after the row it filed is visible: polled too.)
      await expect.poll(() => reads.length, { timeout: 5_000, interval: 50 }).toBeGreaterThanOrEqual(2);
      await expect.poll(() => reads.reduce((n, r) => n + r.filed, 0), { timeout: 5_000, interval: 50 }).toBe(1);

      // Two more in a row: each filed once, however the announcements and reads interleave.
      for (const n of [2, 3]) {
        await dovecot.deliver(rawMessage({ From: 'paul@client.test', To: 'relances@relance.test', Subject: 'Re: Rappel', 'Message-ID': `<idle-${n}@client.test>` }, `message ${n}`), 'relances@relance.test', 'paul@client.test');
      }
      await expect.poll(async () => (await filed()).map((m) => m.message_id), { timeout: 5_000, interval: 50 }).toEqual(['<idle-1@client.test>', '<idle-2@client.test>', '<idle-3@client.test>']);
      await expect.poll(() => reads.reduce((n, r) => n + r.filed, 0), { timeout: 5_000, interval: 50 }).toBe(3);
    } finally {
      await watcher.stop();
    }
    expect(watcher.mode()).toBe('stopped');
  }, 30_000);

  it('leaves a server without IDLE to polling', async () => {
    const other = await seedOrganization(t.db);
    await saveMailbox(t.db, keys, other.organizationId, { host: '127.0.0.1', port: plain.imapPort, tls: false, username: 'relances', password: 'secret', address: 'relances@relance.test' });
    const reads: ReadReport[] = [];
    const watcher = watchMailbox({ db: t.db, keys }, other.organizationId, { onRead: (r) => reads.push(r), retryMs: 60_000 });
    try {
      expect(await watcher.ready()).toBe('polling');
      await plain.deliver(rawMessage({ From: 'x@client.test', To: 'relances@relance.test', Subject: 'hello', 'Message-ID': '<plain-1@client.test>' }, 'hi'), 'relances@relance.test');
      await new Promise((r) => setTimeout(r, 1_500));
      // No IDLE, no read by the watcher: the minute's poll reads this mailbox.
      expect(reads).toEqual([]);
    } finally {
      await watcher.stop();
    }
  }, 30_000);

  it('the job’s watchers tell which mailboxes the poll can skip, and a refused login is left to the poll', async () => {
    const refused = await seedOrganization(t.db);
    await saveMailbox(t.db, keys, refused.organizationId, { host: '127.0.0.1', port: dovecot.imapPort, tls: false, username: 'relances', password: 'wrong', address: 'relances@relance.test' });
    const errors: Error[] = [];
    const watchers = new MailboxWatchers({ db: t.db, keys }, { retryMs: 60_000, onError: (e) => errors.push(e) });
    try {
      watchers.sync([f.organizationId, refused.organizationId]);
      expect(await watchers.get(f.organizationId)!.ready()).toBe('idle');
      expect(await watchers.get(refused.organizationId)!.ready()).toBe('down');
      expect(watchers.isIdling(f.organizationId)).toBe(true);
      expect(watchers.isIdling(refused.organizationId)).toBe(false);
      expect(errors.map((e) => e.message).join(' ')).toMatch(/auth|login|credentials/i);
      // A mailbox disconnected from Relance: its watcher stops.
      const w = watchers.get(refused.organizationId)!;
      watchers.sync([f.organizationId]);
      await expect.poll(() => w.mode()).toBe('stopped');
    } finally {
      await watchers.stopAll();
    }
    expect(watchers.isIdling(f.organizationId)).toBe(false);
  }, 30_000);
});
