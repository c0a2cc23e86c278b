/**
 * Issues 13.1 and 14.5: HubSpot notes and tasks written once even when answers are lost, with no
 * custom property on them. A proxy in front of the HubSpot simulator lets every create through and
 * drops 30 % of the answers (502); the connector looks for its marker before every retry. Target:
 * 0 extra notes. The simulator also enforces scopes: a token without contacts write gets 403.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHubSpot } from '../../connectors/hubspot/index.ts';
import { hubspotProfile } from '../../connectors/hubspot/profile.ts';
import { AccountLimiter, defaultRetryPolicy } from '../../core/http/index.ts';
import { generateWorld } from '../../sandbox/generator/index.ts';
import { listenHubspotSimulator, type RunningHubspotSimulator } from '../../sandbox/hubspot/listen.ts';
import { SeededRandom } from '../../sandbox/shared/seeded-random.ts';

let sim: RunningHubspotSimulator;
const world = generateWorld({ seed: 7, invoices: 100, asOf: '2026-03-01' });
let proxy: http.Server;
let proxyUrl: string;
let dropped = 0;
const rng = new SeededRandom(1414);

beforeAll(async () => {
  sim = await listenHubspotSimulator({ world, limits: false });
  const target = new URL(sim.baseUrl);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (c: Buffer) => body.push(c));
        answer.on('end', () => {
          // The create is done upstream; its answer is lost on the way back, three times in ten.
          const isCreate = req.method === 'POST' && /^\/crm\/v3\/objects\/(notes|tasks)\/?$/.test(req.url ?? '');
          if (isCreate && rng.chance(0.3)) {
            dropped += 1;
            res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
            return;
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers).end(Buffer.concat(body));
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await sim?.close();
});

function session() {
  const c = sim.credentials;
  // Sleeps shortened: the waits for HubSpot's search index are real seconds otherwise.
  const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 5))) };
  return connectHubSpot({
    connectionId: 'lost-answers',
    settings: { accountId: c.portalId!, clientId: c.clientId!, clientSecret: c.clientSecret!, baseUrl: proxyUrl, tokenUrl: `${proxyUrl}/oauth/v1/token` },
    tokens: { accessToken: async () => c.accessToken!, refreshAfterRejection: async () => c.accessToken! },
    limiter: new AccountLimiter('hubspot:lost-answers', hubspotProfile, clock),
    policy: defaultRetryPolicy(),
    clock,
  });
}

describe('HubSpot creates with 30 % of answers lost', () => {
  it('makes exactly one note and one task per write, none extra', async () => {
    const companyId = world.hubspot.companies[0]!.id;
    const s = session();
    const before = sim.control.writtenBack().length;
    for (let i = 0; i < 24; i++) {
      const key = (0x1000 + i).toString(16).padStart(40, 'a');
      await s.push({ kind: 'add_company_note', companyExternalId: companyId, body: `Reminder ${i} sent by email`, timestamp: '2026-03-01T09:00:00.000Z' }, { requestKey: key });
    }
    for (let i = 0; i < 6; i++) {
      const key = (0x2000 + i).toString(16).padStart(40, 'b');
      await s.push({ kind: 'create_owner_task', companyExternalId: companyId, subject: `Call ${i}`, body: 'Overdue', dueDate: '2026-03-03' }, { requestKey: key });
    }
    const written = sim.control.writtenBack().slice(before);
    expect(dropped).toBeGreaterThanOrEqual(4);
    expect(written.filter((w) => w.what === 'note')).toHaveLength(24);
    expect(written.filter((w) => w.what === 'task')).toHaveLength(6);
  }, 60_000);

  it('a private-app token without contacts write gets HubSpot\'s 403, naming the scope', async () => {
    sim.control.setPrivateAppScopes(['crm.objects.companies.read', 'crm.objects.companies.write']);
    try {
      const companyId = world.hubspot.companies[0]!.id;
      await expect(session().push({ kind: 'add_company_note', companyExternalId: companyId, body: 'x', timestamp: '2026-03-01T09:00:00.000Z' }))
        .rejects.toThrow(/lacks the scope crm\.objects\.contacts\.write/);
      const raw = await fetch(`${sim.baseUrl}/crm/v3/objects/notes`, { method: 'POST', headers: { authorization: `Bearer ${sim.credentials.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ properties: { hs_timestamp: '2026-03-01T09:00:00.000Z', hs_note_body: 'x' } }) });
      expect(raw.status).toBe(403);
      expect(await raw.json()).toMatchObject({ status: 'error', category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }] });
    } finally {
      sim.control.setPrivateAppScopes(['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.read', 'crm.schemas.companies.write', 'crm.objects.contacts.read', 'crm.objects.contacts.write']);
    }
  });
});
