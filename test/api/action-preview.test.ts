/**
 * `GET …/actions/:actionId/preview`: the message of a waiting reminder as it would leave, in the
 * customer's language, from the organization's own copy of the template when it has one, with a
 * collector's edit applied; outside the member's customers it does not exist, and a step with no
 * message says so.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './world.ts';

const EMAIL = '00000000-0000-4000-8000-0000000000e1';
const CALL = '00000000-0000-4000-8000-0000000000e2';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  for (const [id, customerId, channel, template] of [[EMAIL, w.customers.beta, 'email', 'reminder-1'], [CALL, w.customers.beta, 'call', null]] as const) {
    await w.db.pool.query(
      `INSERT INTO actions (id, organization_id, customer_id, step, channel, template, status, idempotency_key, scheduled_for, currency, amount_due_minor)
       VALUES ($1::uuid, $2, $3, 2, $4, $5, 'awaiting_approval', $1::text, '2026-02-20', 'EUR', 100000)`,
      [id, w.orgA, customerId, channel, template],
    );
  }
  await w.db.pool.query(`INSERT INTO action_invoices (action_id, invoice_id, level) VALUES ($1, $2, 2)`, [EMAIL, w.invoices.beta1]);
}, 60_000);
afterAll(() => w.close());

const preview = (id: string, as: Parameters<World['as']>[0] = 'viewerA') =>
  w.app.inject({ method: 'GET', url: `/api/organizations/${w.orgA}/actions/${id}/preview`, headers: w.as(as) });

describe('action preview', () => {
  it('renders the waiting email with its invoices, then with the collector’s edit', async () => {
    const before = await preview(EMAIL);
    expect(before.statusCode, before.body).toBe(200);
    const message = before.json();
    expect(message).toMatchObject({ channel: 'email', language: 'fr' });
    expect(message.subject).toContain('Beta SAS');
    expect(message.text).toContain('F-C-BETA');
    expect(message.html).toMatch(/^<!doctype html>/i);
    const edit = await w.app.inject({ method: 'PATCH', url: `/api/organizations/${w.orgA}/actions/${EMAIL}`, headers: w.as('collectorA'), payload: { subject: 'Appelez-nous' } });
    expect(edit.statusCode, edit.body).toBe(200);
    expect((await preview(EMAIL)).json()).toMatchObject({ subject: 'Appelez-nous', text: message.text });
  });

  it('uses the organization’s own copy of the template, as the send job does', async () => {
    const shipped = readFileSync(new URL('../../templates/email/reminder-1/fr.mjml', import.meta.url), 'utf8');
    const copy = shipped.replace('<mj-text>', '<mj-text>Copie de l’Atelier A. ');
    const saved = await w.app.inject({ method: 'PUT', url: `/api/organizations/${w.orgA}/templates/email/reminder-1/fr`, headers: w.as('adminA'), payload: { source: copy } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await preview(EMAIL)).json().text).toContain('Copie de l’Atelier A.');
  });

  it('is not found outside the member’s customers, and a call has no message', async () => {
    const restricted = await preview(EMAIL, 'restrictedA');
    expect(restricted.statusCode).toBe(404);
    expect(restricted.json().error.field).toBe('actionId');
    const call = await preview(CALL);
    expect(call.statusCode).toBe(404);
    expect(call.json().error).toMatchObject({ code: 'not_found', field: 'channel' });
  });
});
