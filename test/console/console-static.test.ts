/**
 * The console's server side (static files, security headers, the export route) through Fastify's
 * inject, and the browser modules that hold logic (aging, decimal sums, charts, catalogs), which
 * are plain ES modules and run in Node as they are.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRelanceError } from '../../core/errors.ts';
import { consolePlugin } from '../../server/console/plugin.ts';
import { createWorld, type World } from '../api/world.ts';
// @ts-expect-error browser module without types
import { agedBalances, bucketOf } from '../../server/console/static/js/aging.js';
// @ts-expect-error browser module without types
import { barChart, lineChart, niceMax } from '../../server/console/static/js/charts.js';
// @ts-expect-error browser module without types
import { compareDecimals, sumDecimals } from '../../server/console/static/js/decimal.js';
// @ts-expect-error browser module without types
import { CATALOGS, initialLanguage, translate } from '../../server/console/static/js/i18n.js';
// @ts-expect-error browser module without types
import { fieldFor } from '../../server/console/static/js/field-errors.js';
// @ts-expect-error browser module without types
import { textToHtml } from '../../server/console/static/js/pages/approval-message.js';
// @ts-expect-error browser module without types
import { decimalInput } from '../../server/console/static/js/pages/customer-collections.js';
// @ts-expect-error browser module without types
import { ageInDays } from '../../server/console/static/js/pages/disputes.js';
// @ts-expect-error browser module without types
import { describeSource } from '../../server/console/static/js/mapping-source.js';

interface SvgNode { tag: string; attrs: Record<string, string | number>; children: (SvgNode | string)[] }
const walk = (n: SvgNode, tag: string): SvgNode[] =>
  [...(n.tag === tag ? [n] : []), ...n.children.flatMap((c) => (typeof c === 'string' ? [] : walk(c, tag)))];

let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  app.setErrorHandler((error, _request, reply) =>
    isRelanceError(error) ? reply.status(400).send({ error: error.toJSON() }) : reply.status(500).send({ error: 'internal' }));
  await app.register(consolePlugin);
  await app.ready();
});
afterAll(() => app.close());

describe('static files', () => {
  it('serves the shell with a strict CSP, and modules with a JavaScript type', async () => {
    const index = await app.inject('/console/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.body).toContain('<script type="module" src="/console/js/app.js">');
    const js = await app.inject('/console/js/pages/dashboard.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('export async function dashboardPage');
    expect((await app.inject('/console')).headers.location).toBe('/console/');
  });

  it('answers 304 to a matching ETag and 404 outside the file set', async () => {
    const first = await app.inject('/console/styles.css');
    const again = await app.inject({ url: '/console/styles.css', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
    for (const url of ['/console/../plugin.ts', '/console/%2e%2e/plugin.ts', '/console/plugin.ts', '/console/js/nope.js']) {
      expect((await app.inject(url)).statusCode, url).toBe(404);
    }
  });
});

describe('POST /console/export', () => {
  // The export route checks the caller's login: the real server on a real PostgreSQL.
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(() => w.close());
  const post = (url: string, payload: object) => w.app.inject({ method: 'POST', url, payload, headers: w.as('viewerA') });
  const table = { name: 'Aging EUR', columns: [{ key: 'c', header: 'Client' }, { key: 'a', header: 'Total', type: 'decimal' }], rows: [{ c: 'Société A', a: '1000.00' }] };

  it('returns CSV and an .xlsx as attachments', async () => {
    const csv = await post('/console/export?format=csv', table);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="aging-eur.csv"');
    expect(csv.body).toBe('\ufeffClient,Total\r\nSociété A,1000.00\r\n');
    const xlsx = await post('/console/export?format=xlsx', table);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.rawPayload.subarray(0, 4).toString('hex')).toBe('504b0304');
  });

  it('refuses a bad format or cell with a 400 naming it', async () => {
    const format = await post('/console/export?format=pdf', table);
    expect(format.statusCode).toBe(400);
    expect(format.json().error.message).toMatch(/^format/);
    const cell = await post('/console/export?format=csv', { ...table, rows: [{ c: 'x', a: '1 000' }] });
    expect(cell.statusCode).toBe(400);
    expect(cell.json().error.message).toBe('rows.0.a: "1 000" is not a decimal');
  });
});

describe('aging in the browser', () => {
  const inv = (customerId: string, dueDate: string | null, balance: string, extra = {}) => ({ customerId, dueDate, balance, currency: 'EUR', status: 'open', disputed: false, ...extra });

  it('buckets by days past due and sums exactly, per currency', () => {
    expect(['2026-03-01', '2026-02-28', '2026-01-30', '2026-01-29', '2025-12-01', '2025-11-30'].map((d) => bucketOf(d, '2026-03-01')))
      .toEqual(['current', '1-30', '1-30', '31-60', '61-90', '91+']);
    const [eur, usd] = agedBalances([
      inv('A', '2026-02-20', '0.10'), inv('A', '2026-02-25', '0.20', { disputed: true }), inv('B', '2026-04-01', '1000.05'),
      inv('B', '2025-01-01', '5.00', { status: 'paid' }), inv('C', '2026-01-01', '7.00', { currency: 'USD' }),
    ], '2026-03-01');
    expect(eur).toMatchObject({ currency: 'EUR', total: '1000.35', disputed: '0.20', buckets: { current: '1000.05', '1-30': '0.30', '31-60': '0', '91+': '0' } });
    expect(eur.byCustomer.map((c: { customerId: string; total: string }) => [c.customerId, c.total])).toEqual([['B', '1000.05'], ['A', '0.30']]);
    expect(usd).toMatchObject({ currency: 'USD', total: '7.00', buckets: { '31-60': '7.00' } });
  });

  it('adds decimal strings without floats', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['9007199254740993.01', '1'])).toBe('9007199254740994.01');
    expect(sumDecimals(['-1.50', '0.25'])).toBe('-1.25');
    expect(compareDecimals('10.00', '9.999')).toBe(1);
  });
});

describe('charts', () => {
  it('draws bars to scale with their values printed and a title', () => {
    const svg = barChart({ title: 'Aged <balance>', bars: [{ label: 'a', value: 50, display: '50' }, { label: 'b', value: 100, display: '100' }, { label: 'c', value: -5, display: '-5' }] });
    expect(svg.attrs['aria-label']).toBe('Aged <balance>');
    const rects = walk(svg, 'rect');
    expect(rects.map((r) => r.attrs.height)).toEqual([80, 160, 0]);
    expect(walk(svg, 'text').map((t) => t.children[0])).toEqual(['50', 'a', '100', 'b', '-5', 'c']);
  });

  it('draws a line through the points', () => {
    const svg = lineChart({ title: 'DSO', points: [{ label: 'W1', value: 40, display: '40' }, { label: 'W2', value: 20, display: '20' }] });
    expect(walk(svg, 'polyline')[0]!.attrs.points).toBe('24,56 536,120');
    expect([0, 0.3, 7, 10, 11, 180_000].map(niceMax)).toEqual([1, 0.5, 10, 10, 20, 200_000]);
  });

  it('breaks the line at a point without a figure, which keeps its label but has no dot', () => {
    const at = (label: string, value: number | null) => ({ label, value, display: String(value) });
    const svg = lineChart({ title: 'DSO', points: [at('J', 10), at('F', 20), at('M', null), at('A', 40), at('M', 30), at('J', null)] });
    expect(walk(svg, 'polyline').map((p) => String(p.attrs.points).split(' ').length)).toEqual([2, 2]);
    expect(walk(svg, 'circle')).toHaveLength(4);
    expect(walk(svg, 'text').filter((t) => t.attrs.class === 'label')).toHaveLength(6);
  });
});

describe('mapping sources', () => {
  it('reads a field spec as one line', () => {
    expect(describeSource({ firstOf: ['DisplayName', 'CompanyName'] })).toBe('first of DisplayName, CompanyName');
    expect(describeSource({ path: 'Balance', transform: 'money' })).toBe('Balance → money');
    expect(describeSource({ path: 'Active', transform: 'boolean', default: true })).toBe('Active → boolean (default true)');
    expect(describeSource({ path: 'Status', transform: { type: 'enum', map: { A: 'open' } } })).toBe('Status → enum');
    expect(describeSource({ constant: null })).toBe('= null');
    expect(describeSource({ path: 'CurrencyRef.value', defaultFrom: 'homeCurrency' })).toBe('CurrencyRef.value (default homeCurrency)');
  });
});

describe('catalogs', () => {
  it('has every English key in French, and fills placeholders', () => {
    expect(Object.keys(CATALOGS.fr).sort()).toEqual(Object.keys(CATALOGS.en).sort());
    for (const [key, text] of Object.entries(CATALOGS.en as Record<string, string>)) {
      expect((CATALOGS.fr[key] as string).match(/\{\w+\}/g)?.sort(), key).toEqual(text.match(/\{\w+\}/g)?.sort());
    }
    expect(translate(CATALOGS.fr, 'dashboard.aging', { currency: 'EUR', date: '1 mars 2026' })).toBe('Balance âgée (EUR) au 1 mars 2026');
  });

  it('picks the stored language, else the browser’s, else English', () => {
    expect(initialLanguage('fr', ['en-US'])).toBe('fr');
    expect(initialLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(initialLanguage('xx', ['de'])).toBe('en');
  });
});

describe('collector pages', () => {
  it('puts an API error on the form field its name ends with', () => {
    const keys = ['date', 'amount', 'installments.1.date'];
    expect(fieldFor('promise.date', keys)).toBe('date');
    expect(fieldFor('paymentPlan.installments.1.date', keys)).toBe('installments.1.date');
    expect(fieldFor('customerId', keys)).toBeNull();
    expect(fieldFor(null, keys)).toBeNull();
  });

  it('turns an edited text into escaped HTML paragraphs', () => {
    expect(textToHtml('Hello <b>Beta</b> & co,\n\nPlease pay\nF-1.')).toBe(
      '<!doctype html><html><body style="font-family: sans-serif"><p>Hello &lt;b&gt;Beta&lt;/b&gt; &amp; co,</p><p>Please pay<br>F-1.</p></body></html>',
    );
  });

  it('reads amounts typed the French way, and ages in whole days', () => {
    expect(['1 250,50', ' 400.00 ', '1\u202f000,5'].map(decimalInput)).toEqual(['1250.50', '400.00', '1000.5']);
    expect(ageInDays('2026-03-01T10:00:00Z', Date.parse('2026-03-04T09:00:00Z'))).toBe(2);
    expect(ageInDays('2026-03-05T00:00:00Z', Date.parse('2026-03-04T00:00:00Z'))).toBe(0);
  });
});
