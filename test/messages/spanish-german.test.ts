/**
 * Spanish and German customers read Spanish and German: every shipped template in es and de
 * renders with no English left, the chooser picks the customer's language from its country with no
 * fallback logged, amounts and dates follow the locale, and the legal mention is the policy's own
 * text in the reader's language.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { legalMention } from '../../core/messages/legal-mentions.ts';
import { listTemplates, renderMessage, sampleMessageInput, setLanguageFallbackLogger, type RenderMessageInput } from '../../core/messages/index.ts';
import { createLogger } from '../../core/logging.ts';

/** Words of the English templates and layout parts that a Spanish or German message must not contain. */
const ENGLISH = [
  'Dear', 'Invoice', 'Due date', 'Days overdue', 'Still due', 'Paid or credited', 'Total still due', 'Late-payment', 'Fixed compensation', 'Interest',
  'reminder', 'Reminder', 'overdue', 'Kind regards', 'Yours faithfully', 'Accounts receivable', 'View and pay', 'Pay online', 'You can', 'please', 'Please',
  'Formal notice', 'Final notice', 'For the attention of', 'Under article', 'Thank you', 'within', 'amounts',
];

function textOf(m: Awaited<ReturnType<typeof renderMessage>>): string {
  return m.channel === 'email' ? `${m.subject}\n${m.text}` : m.channel === 'letter' ? `${m.subject}\n${m.text}` : m.text;
}

/** The demo's case: a UK organization (UK_LPCDA) writing to a Spanish customer that names no language. */
function demoInput(templateName: string, channel: RenderMessageInput['channel'], country: string, customerName: string): RenderMessageInput {
  const sample = sampleMessageInput(templateName, channel, 'en');
  return {
    ...sample,
    language: null,
    organization: {
      name: 'Thames Components Ltd', language: 'en', country: 'GB', latePaymentPolicy: 'UK_LPCDA',
      postalAddress: { lines: ['11 Market Street'], postalCode: 'LS1 4DY', city: 'Leeds', country: 'GB' },
    },
    customer: { name: customerName, language: null, country, postalAddress: { lines: ['32 Market Street'], postalCode: '46002', city: 'Valencia', country } },
    contact: { name: null, email: 'ap@example.com', language: null },
  };
}

afterEach(() => setLanguageFallbackLogger((message, meta) => createLogger().warn(message, meta)));

describe('every Spanish and German template', async () => {
  const refs = (await listTemplates()).filter((r) => r.language === 'es' || r.language === 'de');

  it('exists for every template the English set has', async () => {
    const english = (await listTemplates()).filter((r) => r.language === 'en');
    expect(refs.length).toBe(english.length * 2);
  });

  it.each(refs.map((r) => [`${r.channel}/${r.name}/${r.language}`, r] as const))('%s renders with no English word left', async (_label, ref) => {
    const m = await renderMessage(sampleMessageInput(ref.name, ref.channel, ref.language));
    expect(m.language).toBe(ref.language);
    const text = textOf(m);
    for (const word of ENGLISH) expect(text, `"${word}" in ${ref.channel}/${ref.name}/${ref.language}`).not.toContain(word);
    expect(text).not.toContain('{{');
    if (m.channel === 'email') expect(m.html).toContain(`lang="${ref.language}"`);
    if (m.channel !== 'sms') {
      // The layout's parts in the same language: the invoice table and the legal mention of FR_B2B.
      expect(text).toContain(ref.language === 'es' ? 'Factura' : 'Rechnung');
      expect(text).toContain(ref.language === 'es' ? 'Código de Comercio francés' : 'französischen Handelsgesetzbuchs');
    }
  });

  it('claim no earlier reminder on a first contact', async () => {
    for (const ref of refs.filter((r) => r.name !== 'courtesy')) {
      const m = await renderMessage({ ...sampleMessageInput(ref.name, ref.channel, ref.language), history: [] });
      expect(textOf(m), `${ref.channel}/${ref.name}/${ref.language}`).not.toMatch(/recordatorio del|recordatorios|mensaje del|Erinnerung vom|Erinnerungen|Nachricht vom|zweite/i);
    }
  });
});

describe('a Spanish or German customer', () => {
  it('gets Spanish from its country, with no fallback logged, amounts and dates in Spanish', async () => {
    const logged: unknown[] = [];
    setLanguageFallbackLogger((_m, meta) => logged.push(meta));
    const email = await renderMessage(demoInput('reminder-1', 'email', 'ES', 'Beacon Transportes S.L.'));
    const letter = await renderMessage(demoInput('formal-notice', 'letter', 'ES', 'Beacon Transportes S.L.'));
    expect(logged).toEqual([]);
    expect(email).toMatchObject({ language: 'es', locale: 'es-GB', languageFallback: null });
    if (email.channel !== 'email' || letter.channel !== 'letter') throw new Error('email and letter expected');
    expect(email.subject).toBe('Recordatorio: facturas vencidas F-2026-001, F-2026-014 y F-2026-020 — Beacon Transportes S.L.');
    expect(email.text).toContain('Estimados señores:');
    expect(email.text).toContain('En relación con nuestro mensaje del 11 feb 2026');
    // Spanish writes 1000,00 € (no grouping under five digits) and 2345,50 €.
    expect(email.text).toMatch(/\b1000,00\s€/);
    expect(email.text).toMatch(/\b2345,50\s€/);
    expect(letter.subject).toBe('Asunto: Requerimiento formal de pago — facturas F-2026-001, F-2026-014 y F-2026-020');
    expect(letter.text).toContain('Late Payment of Commercial Debts (Interest) Act 1998 del Reino Unido');
  });

  it('gets German from its country (DE, AT), amounts and dates in German', async () => {
    const logged: unknown[] = [];
    setLanguageFallbackLogger((_m, meta) => logged.push(meta));
    for (const country of ['DE', 'AT']) {
      const m = await renderMessage(demoInput('reminder-2', 'email', country, 'Nordlicht Logistik GmbH'));
      expect(m).toMatchObject({ language: 'de', languageFallback: null });
      if (m.channel !== 'email') throw new Error('email expected');
      expect(m.subject).toBe('Zweite Zahlungserinnerung: 3.345,50 € + 500,00 £ offen aus F-2026-001, F-2026-014 und F-2026-020 — Nordlicht Logistik GmbH');
      expect(m.text).toContain('trotz unserer Erinnerung vom 11.02.2026');
      expect(m.text).toContain('Mit freundlichen Grüßen');
    }
    const sms = await renderMessage(demoInput('reminder-1', 'sms', 'DE', 'Nordlicht Logistik GmbH'));
    expect(sms.language).toBe('de');
    expect(logged).toEqual([]);
  });

  it('a contact’s Spanish of Mexico keeps its region for the formatting', async () => {
    const m = await renderMessage({ ...demoInput('courtesy', 'sms', 'MX', 'Cactus Diseño S.A. de C.V.'), contact: { name: 'Ana', language: 'es-MX' } });
    expect(m).toMatchObject({ language: 'es', locale: 'es-MX' });
  });
});

describe('legal mentions in Spanish and German', () => {
  it('translate each policy’s own text and cite no law of the reader’s country', () => {
    for (const policy of ['FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA', 'CUSTOM']) {
      for (const language of ['es', 'de']) {
        const mention = legalMention(policy, language);
        expect(mention, `${policy} ${language}`).not.toBe(legalMention(policy, 'en'));
        expect(mention).not.toMatch(/Ley 3\/2004|BGB|§\s?288/);
      }
    }
    expect(legalMention('FR_B2B', 'es')).toMatch(/artículo L441-10 .* 10 puntos .* 40 € por factura \(artículo D441-5\)/);
    expect(legalMention('FR_B2B', 'de')).toMatch(/Artikel L441-10 .* 10 Prozentpunkten.* 40 € je Rechnung \(Artikel D441-5\)/);
    expect(legalMention('EU_DIRECTIVE', 'es')).toMatch(/Directiva 2011\/7\/UE.* 8 puntos.* 40 €/);
    expect(legalMention('EU_DIRECTIVE', 'de')).toMatch(/Richtlinie 2011\/7\/EU.* 8 Prozentpunkten.* 40 €/);
    expect(legalMention('UK_LPCDA', 'de')).toContain('40 £, 70 £ oder 100 £');
    expect(legalMention('NONE', 'es')).toBe('');
  });
});
