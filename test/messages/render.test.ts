import { describe, expect, it } from 'vitest';
import {
  chooseLanguage,
  formatAmount,
  loadTemplate,
  renderMessage,
  sampleMessageInput,
  type RenderMessageInput,
} from '../../core/messages/index.ts';
import { InvalidInput, NotFound } from '../../core/errors.ts';
import { pdfText } from './pdf-text.ts';

function input(overrides: Partial<RenderMessageInput>, channel: RenderMessageInput['channel'] = 'email'): RenderMessageInput {
  return { ...sampleMessageInput('reminder-1', channel, 'fr'), language: null, ...overrides };
}

describe('language: contact, else customer, else organization', () => {
  const org = { name: 'Org', language: 'fr' };
  it('takes the contact’s language first', async () => {
    const m = await renderMessage(input({ organization: org, customer: { name: 'C', language: 'fr' }, contact: { name: 'Ann', language: 'en-GB' } }));
    expect(m).toMatchObject({ language: 'en', locale: 'en-GB' });
  });
  it('takes the customer’s when the contact has none', async () => {
    const m = await renderMessage(input({ organization: org, customer: { name: 'C', language: 'en' }, contact: { name: 'Ann', language: null } }));
    expect(m.language).toBe('en');
  });
  it('takes the organization’s when neither has one, and skips a language without the template', async () => {
    const m = await renderMessage(input({ organization: org, customer: { name: 'C', language: null }, contact: { name: 'Ann', language: 'it' } }));
    expect(m.language).toBe('fr');
  });
  it('answers NotFound when no language of the chain nor English has the template', () => {
    expect(() => chooseLanguage({ contact: 'de' }, ['fr'], 'x')).toThrow(NotFound);
    expect(chooseLanguage({ contact: 'de' }, ['en', 'fr'], 'x')).toMatchObject({ language: 'en', source: 'default' });
  });
});

describe('rendering', () => {
  it('formats amounts exactly from minor units, whatever their size', () => {
    expect(formatAmount(123456789012345678n, 'EUR', 'fr-FR')).toBe('1\u202f234\u202f567\u202f890\u202f123\u202f456,78\u00a0€');
    expect(formatAmount(1234n, 'JPY', 'en')).toBe('¥1,234');
    expect(formatAmount(1234n, 'KWD', 'en')).toBe('KWD\u00a01.234');
  });

  // English for a French organization: dates read the way the organization's country writes them (en-FR).
  it('fills the email: subject, escaped HTML, text part with the invoice table and totals', async () => {
    const m = await renderMessage(sampleMessageInput('reminder-2', 'email', 'en'));
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.subject).toBe('Second reminder: €3,345.50 + £500.00 still due on F-2026-001, F-2026-014, and F-2026-020 — Boulangerie Martin & Fils');
    expect(m.html).toContain('Boulangerie Martin &amp; Fils');
    expect(m.html).not.toContain('{{');
    expect(m.html).toContain('href="https://pay.atelier-dupont.example/p/9f3a2c"');
    // What was invoiced, what was paid or credited, what is still due: the amount after partial payments.
    expect(m.text).toMatch(/F-2026-001 {2}4 Feb 2026 {2}26 {2}€1,200.00 {2}€200.00 {2}€1,000.00 {2}Pay: https:\/\/connect\.intuit\.example\/pay\/I1/);
    expect(m.text).toContain('Total still due (GBP), after the payments and credit notes received  £500.00');
    // The fee line per invoice, and the sample's one earlier reminder named by its date.
    expect(m.text).toContain('F-2026-001  €7.52  €40.00');
    expect(m.text).toContain('Total fees  €9.32  €80.00');
    expect(m.text).toContain('Despite our reminder of 11 Feb 2026');
    expect(m.text).not.toContain('{{');
  });

  it('leaves out what is absent: fees, portal, payment links', async () => {
    const m = await renderMessage(input({ fees: null, portalUrl: null, paymentLinks: null, language: 'en' }));
    if (m.channel !== 'email') throw new Error('email expected');
    expect(m.text).not.toMatch(/interest|Pay:|pay them online/);
  });

  it('writes an SMS on one line with the total', async () => {
    const m = await renderMessage(sampleMessageInput('reminder-1', 'sms', 'fr'));
    expect(m.channel === 'sms' && m.text).toBe(
      'Atelier Dupont SAS : sauf erreur, 3\u202f345,50\u00a0€ + 500,00\u00a0£GB reste à régler sur 3 facture(s) échue(s). Payer en ligne : https://pay.atelier-dupont.example/p/9f3a2c',
    );
  });

  it('renders a letter PDF that parses back and holds the customer’s name and the invoices', async () => {
    const m = await renderMessage(sampleMessageInput('formal-notice', 'letter', 'fr'));
    if (m.channel !== 'letter') throw new Error('letter expected');
    const { doc, text } = await pdfText(m.pdf);
    expect(doc.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(doc.getTitle()).toContain('Boulangerie Martin & Fils');
    expect(text).toContain('Boulangerie Martin & Fils');
    expect(text).toContain('F-2026-014');
    expect(text).toContain('Objet : Mise en demeure de payer — factures F-2026-001, F-2026-014 et F-2026-020');
    // The narrow no-break space of French amounts is not in the PDF fonts' encoding: a no-break space.
    expect(text).toContain('2\u00a0345,50\u00a0€');
  });

  it('compiles a template once and serves it from the cache', async () => {
    const ref = { channel: 'email' as const, name: 'courtesy', language: 'fr' };
    expect(await loadTemplate(ref)).toBe(await loadTemplate(ref));
  });

  it('refuses bad input naming the field', async () => {
    const bad = input({ items: [{ externalId: 'X', number: '1', issueDate: '2026-01-01', dueDate: '2026-13-01', currency: 'EUR', total: 1n, balance: 1n }] });
    await expect(renderMessage(bad)).rejects.toThrow(/items\.0\.dueDate/);
    await expect(renderMessage(input({ templateName: 'Reminder 1' }))).rejects.toBeInstanceOf(InvalidInput);
    await expect(renderMessage(input({ templateName: 'no-such-step' }))).rejects.toBeInstanceOf(NotFound);
  });
});
