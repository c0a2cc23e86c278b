/**
 * The inbox through the admin API, on a real PostgreSQL: bad input is a 400 naming the field
 * (never a 500) and writes nothing; the password is stored encrypted and never returned; an
 * @mention notifies the colleague in the console (and queues their email); an attachment over
 * the limit answers 410 with the reason; a Teams channel that answers 500 is retried as core/http
 * decides, then posted once with its Adaptive Card.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectEvents, dispatchDeliveries } from '../../core/inbox/index.ts';
import { constant, defaultRetryPolicy } from '../../core/http/index.ts';
import { createWorld, type World } from './world.ts';

let w: World;
let teams: Server;
const posts: unknown[] = [];
let failNext = 1;
beforeAll(async () => {
  w = await createWorld();
  teams = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (failNext-- > 0) return res.writeHead(500).end('busy');
      posts.push(JSON.parse(body));
      res.writeHead(200).end('1');
    });
  });
  await new Promise<void>((r) => teams.listen(0, '127.0.0.1', () => r()));
  await w.db.pool.query(
    `INSERT INTO inbox_messages (id, organization_id, direction, kind, customer_id, subject) VALUES ('00000000-0000-4000-8000-0000000000b2', $1, 'in', 'reply', $2, 'scans')`,
    [w.orgA, w.customers.alpha]);
  await w.db.pool.query(`INSERT INTO inbox_attachments (id, message_id, filename, content_type, size_bytes, content, omitted_reason)
    VALUES ('00000000-0000-4000-8000-0000000000b3', '00000000-0000-4000-8000-0000000000b2', 'scans.pdf', 'application/pdf', 31457280, NULL, 'not stored: 30.0 MB is over the 10.0 MB limit')`);
}, 60_000);
afterAll(async () => {
  await new Promise<void>((r) => teams.close(() => r()));
  await w.close();
});

const A = () => `/api/organizations/${w.orgA}`;

describe('the inbox API', () => {
  it('refuses a bad mailbox naming the field, and never returns the password', async () => {
    const bad = await w.app.inject({ method: 'PUT', url: `${A()}/inbox/mailbox`, headers: w.as('adminA'), payload: { host: 'imap.a.example', port: 99999, username: 'u', password: 'p', address: 'relances@a.example' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid', field: 'port' });
    expect((await w.app.inject({ method: 'GET', url: `${A()}/inbox/mailbox`, headers: w.as('adminA') })).json()).toEqual({ mailbox: null });
    const ok = await w.app.inject({ method: 'PUT', url: `${A()}/inbox/mailbox`, headers: w.as('adminA'), payload: { host: 'imap.a.example', port: 993, username: 'relances', password: 'app-password-1', address: 'relances@a.example' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).not.toContain('app-password-1');
    const { rows: [m] } = await w.db.pool.query(`SELECT password_encrypted FROM inbox_mailboxes`);
    expect(m.password_encrypted).toMatch(/^v1\./);
    expect(m.password_encrypted).not.toContain('app-password-1');
  });

  it('refuses an answer without text, or a dispute on another customer\'s invoice, and writes nothing', async () => {
    const empty = await w.app.inject({ method: 'POST', url: `${A()}/customers/${w.customers.alpha}/conversation/answer`, headers: w.as('collectorA'), payload: { text: '  ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('text');
    const foreign = await w.app.inject({ method: 'POST', url: `${A()}/customers/${w.customers.alpha}/conversation/answer`, headers: w.as('collectorA'), payload: { text: 'ok', outcome: { kind: 'dispute', invoiceIds: [w.invoices.beta1], reason: 'x' } } });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.field).toBe('outcome.invoiceIds');
    const { rows: [n] } = await w.db.pool.query(`SELECT count(*)::int AS n FROM inbox_messages WHERE direction = 'out'`);
    expect(n.n).toBe(0);
  });

  it('an @mention notifies the colleague in the console', async () => {
    const res = await w.app.inject({ method: 'POST', url: `${A()}/customers/${w.customers.alpha}/comments`, headers: w.as('adminA'), payload: { body: 'Peux-tu appeler, @collector ?' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().mentions).toEqual(['collector@a.example']);
    const mine = (await w.app.inject({ method: 'GET', url: `${A()}/notifications`, headers: w.as('collectorA') })).json();
    expect(mine).toMatchObject({ unread: 1, items: [{ kind: 'mention', customerId: w.customers.alpha, payload: { excerpt: 'Peux-tu appeler, @collector ?' } }] });
    const { rows: [e] } = await w.db.pool.query(`SELECT email_status FROM inbox_notifications`);
    expect(e.email_status).toBe('pending');
    await w.app.inject({ method: 'POST', url: `${A()}/notifications/read`, headers: w.as('collectorA') });
    expect((await w.app.inject({ method: 'GET', url: `${A()}/notifications`, headers: w.as('collectorA') })).json().unread).toBe(0);
  });

  it('an attachment that was not stored answers 410 with the reason', async () => {
    const res = await w.app.inject({ method: 'GET', url: `${A()}/inbox/attachments/00000000-0000-4000-8000-0000000000b3`, headers: w.as('viewerA') });
    expect(res.statusCode).toBe(410);
    expect(res.json().error.message).toMatch(/30\.0 MB is over the 10\.0 MB limit/);
  });

  it('a Teams channel gets the dispute once, after a 500 it was retried for', async () => {
    const bad = await w.app.inject({ method: 'POST', url: `${A()}/notification-channels`, headers: w.as('adminA'), payload: { kind: 'teams', name: 'x', url: 'http://teams.example/hook' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('url');
    const added = await w.app.inject({ method: 'POST', url: `${A()}/notification-channels`, headers: w.as('adminA'), payload: { kind: 'teams', name: 'Recouvrement', url: `http://127.0.0.1:${(teams.address() as AddressInfo).port}/webhookb2/x`, events: ['dispute'] } });
    expect(added.statusCode, added.body).toBe(201);
    const opened = await w.app.inject({ method: 'POST', url: `${A()}/disputes`, headers: w.as('collectorA'), payload: { invoiceIds: [w.invoices.alpha1], reason: 'quantité' } });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(await collectEvents(w.db.db, w.orgA)).toBe(1);
    expect(await collectEvents(w.db.db, w.orgA)).toBe(0);
    const policy = defaultRetryPolicy({ transient: constant(0, 3) });
    expect(await dispatchDeliveries(w.db.db, w.keys, { policy })).toMatchObject({ retry: 1, sent: 0 });
    expect(await dispatchDeliveries(w.db.db, w.keys, { policy })).toMatchObject({ sent: 1 });
    expect(await dispatchDeliveries(w.db.db, w.keys, { policy })).toMatchObject({ sent: 0, retry: 0 });
    expect(posts).toEqual([expect.objectContaining({ type: 'message', attachments: [expect.objectContaining({ contentType: 'application/vnd.microsoft.card.adaptive',
      content: expect.objectContaining({ body: [expect.objectContaining({ text: expect.stringMatching(/^Dispute opened by Alpha SARL: quantité/) })] }) })] })]);
  });
});
