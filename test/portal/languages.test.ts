/** The portal in Spanish and German: from the customer's country, else the browser's Accept-Language, and the invalid-link page by the browser. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../api/world.ts';

let w: World;
beforeAll(async () => {
  w = await createWorld({ publicUrl: 'https://relance.example.com' });
}, 60_000);
afterAll(() => w.close());

async function open(customerId: string, orgId: string, as: Parameters<World['as']>[0], acceptLanguage?: string): Promise<string> {
  const res = await w.app.inject({ method: 'POST', url: `/api/organizations/${orgId}/customers/${customerId}/portal-links`, headers: w.as(as), payload: {} });
  expect(res.statusCode, res.body).toBe(201);
  const page = await w.app.inject({ method: 'GET', url: new URL(res.json().url).pathname, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
  expect(page.statusCode).toBe(200);
  return page.body;
}

const setCustomer = (id: string, language: string | null, country: string | null) =>
  w.db.pool.query('UPDATE customers SET language = $2, language_override = NULL, country = $3 WHERE id = $1', [id, language, country]);

describe('the portal in Spanish and German', () => {
  it('speaks the language of the customer’s country, whatever the browser says', async () => {
    // Gamma is a customer of B, a British organization writing in English.
    await setCustomer(w.customers.gamma, null, 'ES');
    const es = await open(w.customers.gamma, w.orgB, 'adminB', 'en-GB,en;q=0.9');
    expect(es).toContain('<html lang="es">');
    for (const text of ['Facturas pendientes', 'Recordatorios enviados', 'Pendiente de pago', 'Solicitar un plan de pagos']) expect(es).toContain(text);
    expect(es).not.toContain('Open invoices');

    await setCustomer(w.customers.gamma, null, 'AT');
    const de = await open(w.customers.gamma, w.orgB, 'adminB', 'en-GB,en;q=0.9');
    expect(de).toContain('<html lang="de">');
    for (const text of ['Offene Rechnungen', 'Versandte Erinnerungen', 'Noch zu zahlen', 'Ratenzahlung anfragen']) expect(de).toContain(text);
    expect(de).not.toContain('Open invoices');
  });

  it('takes the browser’s Accept-Language when the customer has no language nor country, before the organization’s', async () => {
    await setCustomer(w.customers.gamma, null, null);
    expect(await open(w.customers.gamma, w.orgB, 'adminB', 'es-ES,es;q=0.9,en;q=0.5')).toContain('<html lang="es">');
    expect(await open(w.customers.gamma, w.orgB, 'adminB', 'it-IT,de-CH;q=0.8')).toContain('<html lang="de">');
    // No header: the organization's English.
    expect(await open(w.customers.gamma, w.orgB, 'adminB')).toContain('<html lang="en">');
  });

  it('the customer’s own language wins over its country', async () => {
    await setCustomer(w.customers.gamma, 'de', 'ES');
    expect(await open(w.customers.gamma, w.orgB, 'adminB', 'es')).toContain('Offene Rechnungen');
  });

  it('shows an invalid link in the browser’s language', async () => {
    const bad = (acceptLanguage: string) => w.app.inject({ method: 'GET', url: '/portal/v1.nope.nope.nope', headers: { 'accept-language': acceptLanguage } });
    expect((await bad('es-AR,es;q=0.9')).body).toContain('Este enlace no es válido');
    expect((await bad('de-DE')).body).toContain('Dieser Link ist ungültig');
    expect((await bad('it-IT,fr;q=0.5')).body).toContain('Ce lien n&#39;est pas valide');
    expect((await bad('it-IT')).body).toContain('This link is not valid');
  });
});
