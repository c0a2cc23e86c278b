/** The letter PDF in Spanish and German, read back by its text: the fixed words around the template are the reader's language too. */
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { renderMessage, sampleMessageInput } from '../../core/messages/index.ts';

async function pdfText(pdf: Uint8Array): Promise<string> {
  const parser = new PDFParse({ data: pdf });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
}

async function letter(name: string, language: string): Promise<string> {
  const m = await renderMessage(sampleMessageInput(name, 'letter', language));
  if (m.channel !== 'letter') throw new Error('letter expected');
  expect(m.language).toBe(language);
  return pdfText(m.pdf);
}

const ENGLISH = ['For the attention of', 'Dear', 'Invoice', 'Due date', 'Still due', 'Interest', 'Fixed compensation', 'Yours faithfully', 'Formal notice', 'Final notice', 'Late-payment', 'Under article'];

describe('a Spanish letter PDF', () => {
  it('has its labels in Spanish: contact line, place and date, subject, tables, fee line, closing, legal mention', async () => {
    const text = await letter('formal-notice', 'es');
    for (const label of [
      'A la atención de Claire Martin',
      'Paris, a 2 de marzo de 2026',
      'Asunto: Requerimiento formal de pago — facturas F-2026-001, F-2026-014 y F-2026-020',
      'Muy señores nuestros:',
      'Recargos por demora a fecha de 2 de marzo de 2026, por factura:',
      'Atentamente,',
      'Código de Comercio francés',
    ]) expect(text).toContain(label);
    expect(text).toMatch(/Factura\s+Vencimiento\s+Importe\s+Pagado o abonado\s+Pendiente/);
    expect(text).toMatch(/Factura\s+Intereses de demora\s+Indemnización por costes de cobro/);
    expect(text).toMatch(/Total pendiente \(EUR\)\s+3345,50\s€/);
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });

  it('final notice: the same labels, its own subject', async () => {
    const text = await letter('final-notice', 'es');
    expect(text).toContain('Asunto: Último aviso antes de iniciar acciones de recobro');
    expect(text).toContain('A la atención de Claire Martin');
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });
});

describe('a German letter PDF', () => {
  it('has its labels in German (DIN 5008: "z. Hd.", the date after the place)', async () => {
    const text = await letter('formal-notice', 'de');
    for (const label of [
      'z. Hd. Claire Martin',
      'Paris, 2. März 2026',
      'Mahnung mit Fristsetzung — Rechnungen F-2026-001, F-2026-014 und F-2026-020',
      'Sehr geehrte Damen und Herren,',
      'Verzugskosten zum 2. März 2026, je Rechnung:',
      'Mit freundlichen Grüßen',
      'französischen Handelsgesetzbuchs',
    ]) expect(text).toContain(label);
    expect(text).toMatch(/Rechnung\s+Fällig am\s+Betrag\s+Gezahlt\/Gutschrift\s+Offen/);
    expect(text).toMatch(/Rechnung\s+Verzugszinsen\s+Beitreibungspauschale/);
    expect(text).toMatch(/Offener Gesamtbetrag \(EUR\)\s+3\.345,50\s€/);
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });

  it('final notice: Letzte Mahnung', async () => {
    const text = await letter('final-notice', 'de');
    expect(text).toContain('Letzte Mahnung vor Übergabe an das Inkasso');
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });
});
