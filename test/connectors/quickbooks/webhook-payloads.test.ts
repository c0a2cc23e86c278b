/**
 * Issue 13.8: every documented QuickBooks webhook payload (test/fixtures/quickbooks, sources in its
 * README), classic `eventNotifications` and CloudEvents, parsed into the changes Relance syncs —
 * entities Relance does not sync (Vendor) left out without failing the batch, a merge naming the
 * record merged away as deleted. And the sandbox sends the same fields with the same types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import { shapeDifferences } from '../../support/shape.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/quickbooks/${name}`, import.meta.url), 'utf8'));

const CASES: { file: string; changes: { accountId: string; stream: string; externalId: string; operation: string }[] }[] = [
  { file: 'webhook-classic.json', changes: [{ accountId: '1185883450', stream: 'customer', externalId: '1', operation: 'Create' }] },
  {
    file: 'webhook-classic-merge.json',
    changes: [
      { accountId: '1185883450', stream: 'customer', externalId: '1', operation: 'Merge' },
      { accountId: '1185883450', stream: 'customer', externalId: '2', operation: 'Delete' },
    ],
  },
  {
    file: 'webhook-cloudevents-merged.json',
    changes: [
      { accountId: '93414556000000000', stream: 'customer', externalId: '123', operation: 'merged' },
      { accountId: '93414556000000000', stream: 'customer', externalId: '27', operation: 'Delete' },
    ],
  },
  { file: 'webhook-cloudevents-created.json', changes: [{ accountId: '200', stream: 'customer', externalId: '100', operation: 'created' }] },
  { file: 'webhook-cloudevents-deleted.json', changes: [{ accountId: '9341455322581846', stream: 'invoice', externalId: '29', operation: 'deleted' }] },
  {
    file: 'webhook-cloudevents-mixed.json',
    changes: [
      { accountId: '200', stream: 'customer', externalId: '100', operation: 'created' },
      { accountId: '200', stream: 'invoice', externalId: '100', operation: 'created' },
      { accountId: '200', stream: 'payment', externalId: '100', operation: 'created' },
    ],
  },
];

describe('documented QuickBooks webhook payloads', () => {
  for (const { file, changes } of CASES) {
    it(`${file} parses into the changes Relance syncs`, () => {
      expect(quickbooksConnector.parseWebhook(fixture(file))).toEqual(changes);
    });
  }

  it('a CloudEvent of a synced entity without intuitentityid is refused, naming the field', () => {
    const [event] = fixture('webhook-cloudevents-created.json') as Record<string, unknown>[];
    const { intuitentityid: _dropped, ...rest } = event!;
    expect(() => quickbooksConnector.parseWebhook([rest])).toThrow(/\[0\]: intuitaccountid and intuitentityid are required/);
  });

  it('an event type Relance does not handle (a vendor merge) is ignored, never an error', () => {
    expect(quickbooksConnector.parseWebhook([{ specversion: '1.0', type: 'qbo.vendor.merged.v1', intuitentityid: '5', intuitaccountid: '200', data: { deletedid: '6' } }])).toEqual([]);
  });
});

describe('the sandbox sends what Intuit documents', async () => {
  const { createQuickBooksSimulator } = await import('../../../sandbox/quickbooks/index.ts');
  const { generateWorld } = await import('../../../sandbox/generator/index.ts');
  const { createServer } = await import('node:http');

  async function mergeAndReceive(format: 'legacy' | 'cloudevents'): Promise<unknown> {
    const world = generateWorld({ seed: 23, invoices: 30, asOf: '2026-03-01' });
    const sim = createQuickBooksSimulator({ world, limits: false });
    await sim.app.listen({ host: '127.0.0.1', port: 0 });
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(raw);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      sim.setWebhookFormat(format);
      sim.control.setWebhookTarget(`http://127.0.0.1:${(receiver.address() as { port: number }).port}/`);
      const [a, b] = world.quickbooks.customers;
      await sim.control.editRecord('Customer', a!.id, { mergeInto: b!.id });
      await sim.settled();
      return JSON.parse(bodies[0]!);
    } finally {
      await sim.app.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }

  it('a classic Merge notification has the documented fields and types, deletedID included', async () => {
    const sent = (await mergeAndReceive('legacy')) as { eventNotifications: { dataChangeEvent: { entities: Record<string, unknown>[] } }[] };
    expect(shapeDifferences(fixture('webhook-classic-merge.json'), sent)).toEqual([]);
    expect(sent.eventNotifications[0]!.dataChangeEvent.entities[0]).toMatchObject({ name: 'Customer', operation: 'Merge', deletedID: expect.stringMatching(/^\d+$/) });
  });

  it('a CloudEvents merge has the documented fields and types, data.deletedid included', async () => {
    const sent = (await mergeAndReceive('cloudevents')) as Record<string, unknown>[];
    expect(shapeDifferences(fixture('webhook-cloudevents-merged.json'), sent)).toEqual([]);
    expect(sent[0]).toMatchObject({ type: 'qbo.customer.merged.v1', data: { deletedid: expect.stringMatching(/^\d+$/) } });
  });
});
