/** mapPageInSlices (the sync engine's, yielding to the event loop every 200 records) maps exactly as mapPage. */
import { describe, expect, it } from 'vitest';
import { mapPage, mapPageInSlices } from '../../core/sync/map-page.ts';
import type { StreamSpec } from '../../core/sync/index.ts';

const stream: StreamSpec = { name: 'invoice', produces: [{ entity: 'invoice', mapping: 'invoice' }] };
const options = { provider: 'quickbooks', overrides: {}, context: { homeCurrency: 'USD' } };

function rawInvoice(id: number): Record<string, unknown> {
  return {
    Id: String(id), DocNumber: `F-${id}`, TxnDate: '2026-01-05', DueDate: '2026-02-04', TotalAmt: 100 + id, Balance: 100 + id,
    CustomerRef: { value: '1' }, MetaData: { LastUpdatedTime: '2026-01-05T10:00:00Z' },
  };
}

describe('mapPageInSlices', () => {
  it('gives mapPage\'s records and rejections, in order, with each rejection\'s position in the whole page', async () => {
    const raws: unknown[] = Array.from({ length: 450 }, (_, i) => rawInvoice(i + 1));
    // Bad ones in the second and third slices: one with no Id (named by its position), one unreadable.
    raws[310] = { ...rawInvoice(311), Id: undefined };
    raws[420] = { ...rawInvoice(421), TotalAmt: 'lots' };
    const whole = mapPage(stream, raws, options);
    const sliced = await mapPageInSlices(stream, raws, options);
    expect(sliced).toEqual(whole);
    expect(sliced[0]!.records).toHaveLength(448);
    expect(sliced[0]!.rejected.map((r) => r.externalId)).toEqual(['#310', '421']);
  });
});
