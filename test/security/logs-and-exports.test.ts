/**
 * What leaves the server besides answers: log lines and export files. A failing portal request is
 * logged with its URL and the failed query, but neither the link's token nor the query's values;
 * `/console/export` needs a login and a role, and four 4 MB workbooks built at once leave the
 * event loop free (so /healthz and webhooks keep answering).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../core/access/index.ts';
import { parseTable, toXlsx } from '../../core/exports/index.ts';
import { issuePortalLink } from '../../core/portal/index.ts';
import { PASSWORD, TEST_SCRYPT } from '../api/world.ts';
import { anotherServer, capturingLogger, http, isJsonRefusal, serveWorld, type Served } from './support.ts';

let s: Served;
let logged: { app: FastifyInstance; url: string };
const capture = capturingLogger();
beforeAll(async () => {
  s = await serveWorld();
  logged = await anotherServer(s.w, { logger: capture.logger });
}, 60_000);
afterAll(async () => {
  await logged?.app.close();
  await s?.close();
});

describe('logs', () => {
  it('name a failed portal request and its query without the link token or the query values', async () => {
    const link = await issuePortalLink(s.w.db.db, s.w.keys, { organizationId: s.w.orgA, customerId: s.w.customers.alpha, createdBy: 'test' });
    const tokenId = link.id;
    // The store fails under the portal: the request is a 500 and is logged.
    await s.w.db.pool.query('ALTER TABLE portal_tokens RENAME TO portal_tokens_away');
    try {
      const res = await http(`${logged.url}/portal/${link.token}?lang=fr`);
      expect(res.status).toBe(500);
      expect(res.body).not.toContain(link.token);
    } finally {
      await s.w.db.pool.query('ALTER TABLE portal_tokens_away RENAME TO portal_tokens');
    }
    const text = capture.lines.join('');
    expect(text).toContain('request failed');
    expect(text).toContain('/portal/[redacted]');
    expect(text).toMatch(/Failed query/);
    expect(text).toContain('params: [redacted]');
    expect(text).not.toContain(link.token);
    expect(text).not.toContain(link.token.split('.')[3]!);
    expect(text).not.toContain(tokenId);
  });
});

const sessionOf = async (email: string) => {
  const res = await http(`${s.url}/api/auth/login`, { body: { email, password: PASSWORD } });
  expect(res.status, res.body).toBe(200);
  return res.cookie!.split(';')[0]!;
};

describe('exports', () => {
  const table = { name: 'Aging EUR', columns: [{ key: 'c', header: 'Client' }, { key: 'a', header: 'Total', type: 'decimal' }], rows: [{ c: 'Société A', a: '1000.00' }] };

  it('need a login and a membership: 401 without, 403 for a user of no organization, JSON either way', async () => {
    const anonymous = await http(`${s.url}/console/export?format=csv`, { body: table });
    expect(anonymous.status).toBe(401);
    expect(isJsonRefusal(anonymous)).toBe(true);
    expect(anonymous.body).not.toContain('Société A');
    await createUser(s.w.db.db, { email: 'loner@nowhere.example', password: PASSWORD, scrypt: TEST_SCRYPT });
    const loner = await http(`${s.url}/console/export?format=csv`, { body: table, headers: { cookie: await sessionOf('loner@nowhere.example') } });
    expect(loner.status).toBe(403);
    expect(isJsonRefusal(loner)).toBe(true);
    const bad = await http(`${s.url}/console/export?format=csv`, { body: table, headers: { authorization: 'Bearer rlk_not-a-key' } });
    expect(bad.status).toBe(401);
    const viewer = await http(`${s.url}/console/export?format=csv`, { body: table, headers: { cookie: await sessionOf(s.w.users.viewerA.email) } });
    expect(viewer.status).toBe(200);
    expect(viewer.body).toContain('Société A,1000.00');
  });

  it('build four 4 MB workbooks at once without holding the event loop as long as one synchronous build', { timeout: 120_000 }, async () => {
    const rows = Array.from({ length: 27_000 }, (_, i) => ({
      c: `Client ${i} — Société anonyme des établissements ${i % 97}`, n: `F-2026-${String(i).padStart(6, '0')}`,
      d: '2026-02-15', a: `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`, m: `Relance ${i % 5} envoyée par courriel`,
    }));
    const big = {
      name: 'Big export',
      columns: [{ key: 'c', header: 'Client' }, { key: 'n', header: 'Invoice' }, { key: 'd', header: 'Due', type: 'date' }, { key: 'a', header: 'Balance', type: 'decimal' }, { key: 'm', header: 'Note' }],
      rows,
    };
    const body = JSON.stringify(big);
    expect(body.length).toBeGreaterThan(3.8 * 1024 * 1024);
    expect(body.length).toBeLessThan(5 * 1024 * 1024);
    // What the old route did on the event loop for one such request (warm, best of two): parse, check, build.
    const once = () => {
      const t0 = performance.now();
      toXlsx(parseTable(JSON.parse(body)));
      return performance.now() - t0;
    };
    once();
    const headers = { authorization: s.w.as('viewerA').authorization, 'content-type': 'application/json' };
    /** One round: a fresh synchronous baseline, then four exports at once under a loop-delay histogram. */
    const round = async () => {
      const synchronous = Math.min(once(), once());
      const histogram = monitorEventLoopDelay({ resolution: 5 });
      histogram.enable();
      let done = false;
      const health: number[] = [];
      const poll = (async () => {
        while (!done) {
          health.push((await fetch(`${s.url}/healthz`)).status);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const answers = await Promise.all(Array.from({ length: 4 }, () => fetch(`${s.url}/console/export?format=xlsx`, { method: 'POST', headers, body })));
      const files = await Promise.all(answers.map(async (a) => ({ status: a.status, bytes: Buffer.from(await a.arrayBuffer()) })));
      done = true;
      await poll;
      histogram.disable();
      for (const f of files) {
        expect(f.status).toBe(200);
        expect(f.bytes.subarray(0, 4).toString('hex')).toBe('504b0304');
      }
      expect(health.length).toBeGreaterThan(0);
      expect(health.every((h) => h === 200)).toBe(true);
      const longestBlockMs = histogram.max / 1e6;
      // Printed for the report: the ratio is what matters on a shared machine.
      console.log(`export stall: longest event-loop block ${longestBlockMs.toFixed(0)} ms vs ${synchronous.toFixed(0)} ms for one synchronous build (ratio ${(longestBlockMs / synchronous).toFixed(2)}), ${health.length} health answers`);
      return longestBlockMs / synchronous;
    };
    // The old route held the loop for a whole build (ratio ≈ 1 or more, every round); slices and the
    // thread pool keep it well under. The histogram counts wall-clock time, so a round in which this
    // process lost the CPU to the other test files (CI: 3 forks on 2 cores) or met a major GC reads
    // long: the best of up to three rounds is taken, as a benchmark takes its best run.
    let best = Infinity;
    for (let i = 0; i < 3 && best >= 0.75; i++) best = Math.min(best, await round());
    expect(best).toBeLessThan(0.75);
  });
});
