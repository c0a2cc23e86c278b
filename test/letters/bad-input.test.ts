/**
 * Issue 15's bad input, refused on save with the field named: a scenario step on a channel this
 * installation does not send through (the server knows its configured channels), a step naming
 * a template that does not exist, a template naming an unknown variable, an address (customer or
 * sender) without a country. Nothing is saved when refused.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logging.ts';
import { configuredChannelNames } from '../../core/sending/channels-from-config.ts';
import { buildServer } from '../../server/app.ts';
import { createWorld, type World } from '../api/world.ts';

const silent = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }), format: 'json' });

describe('bad input on save', () => {
  let world: World;
  let app: FastifyInstance;

  const call = (method: 'PUT' | 'PATCH' | 'POST', url: string, payload: object) =>
    app.inject({ method, url: `/api/organizations/${world.orgA}${url}`, headers: world.as('adminA'), payload });
  const scenario = (steps: object[]) => ({ name: 'firm', steps });

  beforeAll(async () => {
    world = await createWorld();
    // As `relance start` without RELANCE_SMS_*: email and letters, no SMS.
    const channels = configuredChannelNames({ mail: { host: 'smtp.example' } as never, sms: null });
    expect(channels).toEqual(['email', 'letter']);
    app = buildServer({ pool: world.db.pool, storeMode: 'postgres', worker: null, logger: silent, channels });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await world?.close();
  });

  it('refuses a scenario step on a channel that is not configured, naming the step', async () => {
    const steps = [{ offsetDays: 3, action: 'email', template: 'reminder-1' }, { offsetDays: 10, action: 'sms', template: 'reminder-2' }];
    for (const url of ['/scenarios/firm', '/scenarios/validate']) {
      const r = await call(url.endsWith('validate') ? 'POST' : 'PUT', url, scenario(steps));
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ field: 'steps.1.action' });
      expect(r.json().error.message).toMatch(/no sms channel is configured/);
    }
    const { rows } = await world.db.pool.query(`SELECT count(*)::int AS n FROM scenarios WHERE organization_id = $1 AND name = 'firm'`, [world.orgA]);
    expect(rows[0].n).toBe(0);
    // The same scenario by email only is saved.
    expect((await call('PUT', '/scenarios/firm', scenario([steps[0]!]))).statusCode).toBe(200);
  });

  it('refuses a step naming a template that does not exist', async () => {
    const r = await call('PUT', '/scenarios/firm', scenario([{ offsetDays: 3, action: 'letter', template: 'no-such-letter' }]));
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ field: 'steps.0.template' });
  });

  it('refuses a template naming an unknown variable, with its line', async () => {
    const source = 'Subject: Mise en demeure — {{invoiceNumbers}}\nMadame, Monsieur,\n\n{{customer.nmae}} doit {{amountDue}}.\n';
    const r = await call('PUT', '/templates/letter/formal-notice/fr', { source });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ field: 'source' });
    expect(r.json().error.message).toMatch(/line 4: unknown variable "customer\.nmae"/);
    const { rows } = await world.db.pool.query(`SELECT count(*)::int AS n FROM template_overrides WHERE organization_id = $1`, [world.orgA]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses an address without a country, for a customer and for the sender', async () => {
    const noCountry = { lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon' };
    const customer = await call('PATCH', `/customers/${world.customers.alpha}/details`, { postalAddress: noCountry });
    expect(customer.statusCode).toBe(400);
    expect(customer.json().error.field).toBe('postalAddress.country');
    const sender = await call('PUT', '/letter-settings', { senderAddress: noCountry });
    expect(sender.statusCode).toBe(400);
    expect(sender.json().error.field).toBe('senderAddress.country');
  });
});
