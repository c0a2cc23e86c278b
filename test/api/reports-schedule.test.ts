/**
 * The weekly report schedule over the admin API (real PostgreSQL): `{ schedule }` in every answer,
 * validation naming the field, admin to change and read to see, audited, the last send shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKinds, createWorld, type UserName, type World } from './world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld();
}, 60_000);
afterAll(() => w.close());

const url = (w: World) => `/api/organizations/${w.orgA}/report-schedule`;
const valid = { recipients: ['DG@Atelier.test ', 'compta@atelier.test', 'dg@atelier.test'], weekday: 1, hour: 8, language: 'fr' };

function call(method: 'GET' | 'PUT' | 'DELETE', as: UserName, payload?: object) {
  return w.app.inject({ method, url: url(w), headers: w.as(as), ...(payload ? { payload } : {}) });
}

describe('report schedule', () => {
  it('is null before an admin sets one', async () => {
    const res = await call('GET', 'viewerA');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ schedule: null });
  });

  it('refuses a bad body with 400 naming the field, and saves nothing', async () => {
    for (const [body, field] of [
      [{ ...valid, recipients: [] }, 'recipients'],
      [{ ...valid, recipients: ['dg@atelier.test', 'not an email'] }, 'recipients.1'],
      [{ ...valid, weekday: 0 }, 'weekday'],
      [{ ...valid, weekday: 8 }, 'weekday'],
      [{ ...valid, hour: 24 }, 'hour'],
      [{ ...valid, hour: 7.5 }, 'hour'],
      [{ ...valid, language: 'it' }, 'language'],
      [{ ...valid, timezone: 'UTC' }, 'timezone'],
      [{ recipients: valid.recipients, weekday: 1, hour: 8 }, 'language'],
    ] as const) {
      const res = await call('PUT', 'adminA', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    expect((await call('GET', 'adminA')).json()).toEqual({ schedule: null });
  });

  it('an admin sets it (addresses trimmed, lower-cased, once each); every member sees it', async () => {
    const res = await call('PUT', 'adminA', valid);
    expect(res.statusCode, res.body).toBe(200);
    const expected = { recipients: ['dg@atelier.test', 'compta@atelier.test'], weekday: 1, hour: 8, language: 'fr', lastSentAt: null };
    expect(res.json().schedule).toMatchObject(expected);
    expect(Date.parse(res.json().schedule.updatedAt)).not.toBeNaN();
    expect((await call('GET', 'viewerA')).json().schedule).toMatchObject(expected);
    expect((await auditKinds(w, w.orgA))[0]).toEqual({ kind: 'audit.report_schedule.update', actor: `user:${w.users.adminA.id}` });
    // A second PUT replaces it: one schedule per organization.
    const changed = await call('PUT', 'adminA', { ...valid, recipients: ['cfo@atelier.test'], weekday: 5, hour: 17, language: 'en' });
    expect(changed.json().schedule).toMatchObject({ recipients: ['cfo@atelier.test'], weekday: 5, hour: 17, language: 'en' });
    const { rows } = await w.db.pool.query('SELECT count(*)::int AS n FROM report_schedules WHERE organization_id = $1', [w.orgA]);
    expect(rows[0].n).toBe(1);
  });

  it('shows when the report last went out', async () => {
    await w.db.pool.query(
      `INSERT INTO report_sends (schedule_id, week, status, sent_at)
       SELECT id, w::date, s, t::timestamptz FROM report_schedules,
         (VALUES ('2026-03-23', 'sent', '2026-03-24T06:30:00Z'), ('2026-03-30', 'sent', '2026-03-31T06:30:00Z'), ('2026-04-06', 'failed', NULL)) v(w, s, t)
        WHERE organization_id = $1`,
      [w.orgA],
    );
    expect((await call('GET', 'viewerA')).json().schedule.lastSentAt).toBe('2026-03-31T06:30:00.000Z');
  });

  it('only an admin changes or removes it; another organization does not see it', async () => {
    for (const role of ['collectorA', 'viewerA'] as const) {
      expect((await call('PUT', role, valid)).statusCode).toBe(403);
      expect((await call('DELETE', role)).statusCode).toBe(403);
    }
    expect((await call('GET', 'adminB')).statusCode).toBe(404);
    expect((await call('PUT', 'adminB', valid)).statusCode).toBe(404);
    expect((await call('GET', 'adminA')).json().schedule.recipients).toEqual(['cfo@atelier.test']);
  });

  it('an admin removes it', async () => {
    const res = await call('DELETE', 'adminA');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ schedule: null });
    expect((await call('GET', 'viewerA')).json()).toEqual({ schedule: null });
    expect((await auditKinds(w, w.orgA))[0]!.kind).toBe('audit.report_schedule.delete');
    // Removing what is not there is no error.
    expect((await call('DELETE', 'adminA')).json()).toEqual({ schedule: null });
  });
});
