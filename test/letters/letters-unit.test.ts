import { describe, expect, it } from 'vitest';
import { defaultPolicyName, effectivePolicy } from '../../core/fees/index.ts';
import { acceptedLanguages, addressLines, chooseLanguage, renderMessage, sampleMessageInput, setLanguageFallbackLogger, type LanguageSources } from '../../core/messages/index.ts';
import { letterPdfText as text } from './pdf-parse-text.ts';

const chooseLanguageForTest = (sources: LanguageSources, available: readonly string[]) => chooseLanguage(sources, available, 'test template');

describe('the customer’s language', () => {
  it('takes the admin’s override first, then the contact, the customer, its country, the browser, the organization', () => {
    const fr = ['en', 'fr'];
    expect(chooseLanguageForTest({ override: 'fr', contact: 'en' }, fr).source).toBe('override');
    expect(chooseLanguageForTest({ country: 'FR', organization: 'en' }, fr)).toMatchObject({ language: 'fr', source: 'country' });
    expect(chooseLanguageForTest({ browser: 'de-DE,fr;q=0.8,en;q=0.5', organization: 'en' }, fr)).toMatchObject({ language: 'fr', source: 'browser', fallbackFrom: 'de' });
    expect(acceptedLanguages('en;q=0, fr-CA;q=0.9, *')).toEqual(['fr-CA']);
  });

  it('logs a fallback to another language than the customer’s', async () => {
    const logged: unknown[] = [];
    setLanguageFallbackLogger((_m, meta) => logged.push(meta));
    const m = await renderMessage({ ...sampleMessageInput('reminder-1', 'email', 'fr'), language: null, contact: null, customer: { name: 'Rossi S.r.l.', language: 'it' } });
    expect(m.language).toBe('fr');
    expect(m.languageFallback).toEqual({ wanted: 'it', used: 'fr' });
    expect(logged).toEqual([expect.objectContaining({ wanted: 'it', used: 'fr', template: 'reminder-1' })]);
  });
});

describe('the late-payment policy', () => {
  it('defaults from the country, and an admin’s choice wins', () => {
    expect(['FR', 'DE', 'GB', 'US'].map(defaultPolicyName)).toEqual(['FR_B2B', 'EU_DIRECTIVE', 'UK_LPCDA', 'NONE']);
    expect(effectivePolicy({ policy: 'NONE' }, 'FR').policy).toBe('FR_B2B');
    expect(effectivePolicy({ policy: 'NONE', chosen: true }, 'FR').policy).toBe('NONE');
    expect((effectivePolicy({ policy: 'NONE' }, 'GB') as { referenceRates?: unknown[] }).referenceRates?.length).toBeGreaterThan(0);
  });
});

describe('letters', () => {
  it('prints addresses the way the post reads them, the country only abroad', () => {
    expect(addressLines({ lines: ['4 place du Marché'], postalCode: '69002', city: 'Lyon', country: 'FR' }, 'FR', 'fr')).toEqual(['4 place du Marché', '69002 LYON']);
    expect(addressLines({ lines: ['10 Downing St'], postalCode: 'sw1a 2aa', city: 'London', country: 'GB' }, 'FR', 'fr')).toEqual(['10 Downing St', 'LONDON', 'SW1A 2AA', 'ROYAUME-UNI']);
  });

  it('keeps a subject with line breaks on one line (issue 12, item 9) and names the invoices, never an id', async () => {
    const input = sampleMessageInput('formal-notice', 'letter', 'en');
    const m = await renderMessage({ ...input, items: input.items.map((i, n) => (n === 0 ? { ...i, number: 'F-1\nSubject: injected' } : i)) });
    if (m.channel !== 'letter') throw new Error('letter expected');
    expect(m.subject).toBe('Formal notice to pay — invoices F-1 Subject: injected, F-2026-014, and F-2026-020');
    const t = await text(m.pdf);
    expect(t).toContain('Formal notice to pay — invoices F-1 Subject: injected');
    expect(t).toContain('Boulangerie Martin & Fils');
    expect(t).toContain('12 rue des Tanneurs');
  });

  it('a first contact at the formal-notice step claims no earlier reminder', async () => {
    const m = await renderMessage({ ...sampleMessageInput('formal-notice', 'letter', 'fr'), history: [] });
    expect(m.text).not.toMatch(/relance du|précédent/);
    expect(m.text).toContain('Sauf erreur de notre part');
  });

  it('an edited block keeps the layout around it and may use variables', async () => {
    const m = await renderMessage({ ...sampleMessageInput('reminder-2', 'email', 'fr'), blocks: { body: 'Appelez-nous au sujet de {{invoiceNumbers}}.\nMerci.' } });
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.html).toContain('Appelez-nous au sujet de F-2026-001, F-2026-014 et F-2026-020.<br />Merci.');
    expect(m.html).toContain('href="https://pay.atelier-dupont.example/p/9f3a2c"');
    // What the approver reads back: their block, its variables filled.
    expect(m.blocks).toMatchObject({ body: 'Appelez-nous au sujet de F-2026-001, F-2026-014 et F-2026-020.\nMerci.' });
  });
});
