/**
 * An organization's copies of templates through the admin API, on a real PostgreSQL: list, read,
 * save (validated: a broken copy is refused naming its line), preview a source with sample data,
 * back to the shipped file; another organization never sees the copy; and a reminder sent by the
 * dunning job after a copy was saved uses the copy.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApiKey, createUser, grantMembership } from '../../core/access/index.ts';
import { runOrganization } from '../../core/agenda/index.ts';
import { addDays, todayIn } from '../../core/calendar/index.ts';
import type { EmailMessage } from '../../core/channels/index.ts';
import { createLogger } from '../../core/logging.ts';
import { renderMessage, templateFile } from '../../core/messages/index.ts';
import { createWorker, type Worker } from '../../jobs/worker.ts';
import { addCustomer, addInvoice, seedOrganization } from '../agenda/fixtures.ts';
import { RecordingChannel } from '../sending/recording-channel.ts';
import { auditKinds, createWorld, TEST_SCRYPT, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
}, 60_000);
afterAll(() => w.close());

const shipped = (channel: 'email' | 'sms', name: string, language: string) => readFileSync(templateFile({ channel, name, language }), 'utf8');
const url = (orgId: string, rest = 'email/reminder-1/en') => `/api/organizations/${orgId}/templates/${rest}`;

describe('templates of an organization', () => {
  it('lists the shipped templates with, per language, whether the organization edited it', async () => {
    const res = await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/templates`, headers: w.as('viewerA') });
    expect(res.statusCode).toBe(200);
    const reminder = res.json().items.find((i: { channel: string; name: string }) => i.channel === 'email' && i.name === 'reminder-1');
    expect(reminder.languages).toEqual([{ language: 'de', overridden: false }, { language: 'en', overridden: false }, { language: 'es', overridden: false }, { language: 'fr', overridden: false }]);
  });

  it('reads the shipped text until a copy is saved; saves, previews and audits the copy; drops it again', async () => {
    const first = await w.app.inject({ method: 'GET', url: url(w.orgA), headers: w.as('viewerA') });
    expect(first.json()).toEqual({ channel: 'email', name: 'reminder-1', language: 'en', source: shipped('email', 'reminder-1', 'en'), overridden: false, updatedAt: null });

    const source = shipped('email', 'reminder-1', 'en').replace('<mj-title>Reminder:', '<mj-title>Atelier A asks:');
    const saved = await w.app.inject({ method: 'PUT', url: url(w.orgA), headers: w.as('adminA'), payload: { source } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ source, overridden: true, updatedAt: expect.any(String) });
    expect((await auditKinds(w, w.orgA))[0]).toEqual({ kind: 'audit.template.save', actor: `user:${w.users.adminA.id}` });

    const list = await w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/templates`, headers: w.as('viewerA') });
    const reminder = list.json().items.find((i: { channel: string; name: string }) => i.channel === 'email' && i.name === 'reminder-1');
    expect(reminder.languages).toEqual([{ language: 'de', overridden: false }, { language: 'en', overridden: true }, { language: 'es', overridden: false }, { language: 'fr', overridden: false }]);

    // The preview without a source renders the saved copy; B still has the shipped text.
    const preview = await w.app.inject({ method: 'POST', url: `${url(w.orgA)}/preview`, headers: w.as('adminA'), payload: {} });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().subject).toBe('Atelier A asks: overdue invoices F-2026-001, F-2026-014, and F-2026-020 — Boulangerie Martin & Fils');
    expect(preview.json().html).toContain('F-2026-014');
    const other = await w.app.inject({ method: 'GET', url: url(w.orgB), headers: w.as('adminB') });
    expect(other.json()).toMatchObject({ overridden: false, source: shipped('email', 'reminder-1', 'en') });

    const reset = await w.app.inject({ method: 'DELETE', url: url(w.orgA), headers: w.as('adminA') });
    expect(reset.json()).toMatchObject({ overridden: false, source: shipped('email', 'reminder-1', 'en'), updatedAt: null });
    expect((await auditKinds(w, w.orgA))[0]!.kind).toBe('audit.template.reset');
  });

  it('previews an unsaved source, and refuses a broken one naming its line, saving nothing', async () => {
    const sms = await w.app.inject({ method: 'POST', url: `${url(w.orgA, 'sms/reminder-1/fr')}/preview`, headers: w.as('adminA'), payload: { source: 'Bonjour {{contact.name}}, {{total}} reste dû.' } });
    expect(sms.statusCode, sms.body).toBe(200);
    expect(sms.json()).toEqual({ subject: null, text: expect.stringMatching(/^Bonjour Claire Martin, 3[\s\u202f]?\d{3},\d{2}/), blocks: {}, on: null });

    const unknownVariable = 'Bonjour,\n{{customer.nom}}';
    const refused = await w.app.inject({ method: 'POST', url: `${url(w.orgA, 'sms/reminder-1/fr')}/preview`, headers: w.as('adminA'), payload: { source: unknownVariable } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ field: 'source', message: expect.stringMatching(/^source: line 2: .*customer\.nom/) });

    const unclosed = shipped('email', 'reminder-1', 'fr').replace('</mj-column>', '');
    const put = await w.app.inject({ method: 'PUT', url: url(w.orgA, 'email/reminder-1/fr'), headers: w.as('adminA'), payload: { source: unclosed } });
    expect(put.statusCode).toBe(400);
    expect(put.json().error.message).toMatch(/^source: line \d+: <mj-column> is not closed/);
    const after = await w.app.inject({ method: 'GET', url: url(w.orgA, 'email/reminder-1/fr'), headers: w.as('adminA') });
    expect(after.json().overridden).toBe(false);
  });

  it('answers 404 for a template not shipped in that language, 400 naming a malformed channel', async () => {
    const missing = await w.app.inject({ method: 'GET', url: url(w.orgA, 'email/reminder-1/it'), headers: w.as('adminA') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.field).toBe('language');
    const bad = await w.app.inject({ method: 'PUT', url: url(w.orgA, 'fax/reminder-1/en'), headers: w.as('adminA'), payload: { source: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('channel');
  });
});

describe('a reminder sent after a copy was saved', () => {
  let worker: Worker | null = null;
  afterAll(async () => {
    await worker?.stop(5000);
  });

  it('is rendered from the copy by the dunning send job', { timeout: 60_000 }, async () => {
    // Always inside sending hours, so the test does not depend on when it runs.
    const f = await seedOrganization(w.db.db, { timezone: 'UTC', sendingHours: { from: '00:00', to: '24:00', days: [1, 2, 3, 4, 5, 6, 7] } });
    const customer = await addCustomer(w.db.db, f);
    await addInvoice(w.db.db, f, customer, { dueDate: addDays(todayIn('UTC'), -10) });
    await runOrganization(w.db.db, { organizationId: f.organizationId });
    const { rows } = await w.db.db.execute<{ template: string }>(sql`SELECT template FROM actions WHERE organization_id = ${f.organizationId}::uuid AND channel = 'email' AND status = 'planned'`);
    expect(rows).toHaveLength(1);
    const template = rows[0]!.template;

    const admin = await createUser(w.db.db, { email: 'admin@dupont.example', password: 'correct horse battery staple', scrypt: TEST_SCRYPT });
    await grantMembership(w.db.db, { userId: admin.id, organizationId: f.organizationId, role: 'admin' });
    const key = await createApiKey(w.db.db, { userId: admin.id, name: 'test' });
    const source = shipped('email', template, 'fr').replace(/<mj-title>[^<]*<\/mj-title>/, '<mj-title>Copie Dupont pour {{customer.name}}</mj-title>');
    const saved = await w.app.inject({ method: 'PUT', url: url(f.organizationId, `email/${template}/fr`), headers: { authorization: `Bearer ${key.key}` }, payload: { source } });
    expect(saved.statusCode, saved.body).toBe(200);

    const email = new RecordingChannel<EmailMessage>('email');
    worker = createWorker({
      databaseUrl: w.db.url, logger: createLogger({ level: 'error', format: 'json' }), concurrency: 2, processEvery: 100,
      dunning: { db: w.db.db, send: { channels: { email }, render: (i) => renderMessage(i), workerId: 'w-templates' } },
    });
    await worker.start();
    await worker.agenda.now('dunning.send', { organizationId: f.organizationId });
    const deadline = Date.now() + 30_000;
    while (email.sent.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(email.sent.map((m) => m.subject)).toEqual([expect.stringMatching(/^Copie Dupont pour Customer C-/)]);
  });
});
