/** The letter PDF in Spanish and German, read back by its text: the fixed words around the template are the reader's language too. */
import { describe, expect, it } from 'vitest';
import { renderMessage, sampleMessageInput } from '../../core/messages/index.ts';
import { letterPdfText } from './pdf-parse-text.ts';

async function letter(name: string, language: string): Promise<string> {
  const m = await renderMessage(sampleMessageInput(name, 'letter', language));
  if (m.channel !== 'letter') throw new Error('letter expected');
  expect(m.language).toBe(language);
  return letterPdfText(m.pdf);
}

const ENGLISH = ['For the attention of', 'Dear', 'Invoice', 'Due date', 'Still due', 'Interest', 'Fixed compensation', 'Yours faithfully', 'Formal notice', 'Final notice', 'Late-payment', 'Under article'];

const CASES = [
  {
    language: 'es',
    // Every fixed line of the formal notice: contact line, place and date, subject, greeting, fee line, closing, legal mention.
    lines: [
      'A la atención de Claire Martin',
      'Paris, a 2 de marzo de 2026',
      'Asunto: Requerimiento formal de pago — facturas F-2026-001, F-2026-014 y F-2026-020',
      'Muy señores nuestros:',
      'Recargos por demora a fecha de 2 de marzo de 2026, por factura:',
      'Atentamente,',
      'Código de Comercio francés',
    ],
    tables: [/Factura\s+Vencimiento\s+Importe\s+Pagado o abonado\s+Pendiente/, /Factura\s+Intereses de demora\s+Indemnización por costes de cobro/, /Total pendiente \(EUR\)\s+3345,50\s€/],
    finalSubject: 'Asunto: Último aviso antes de iniciar acciones de recobro',
  },
  {
    language: 'de',
    // DIN 5008: "z. Hd." before the contact, the date after the place.
    lines: [
      'z. Hd. Claire Martin',
      'Paris, 2. März 2026',
      'Mahnung mit Fristsetzung — Rechnungen F-2026-001, F-2026-014 und F-2026-020',
      'Sehr geehrte Damen und Herren,',
      'Verzugskosten zum 2. März 2026, je Rechnung:',
      'Mit freundlichen Grüßen',
      'französischen Handelsgesetzbuchs',
    ],
    tables: [/Rechnung\s+Fällig am\s+Betrag\s+Gezahlt\/Gutschrift\s+Offen/, /Rechnung\s+Verzugszinsen\s+Beitreibungspauschale/, /Offener Gesamtbetrag \(EUR\)\s+3\.345,50\s€/],
    finalSubject: 'Letzte Mahnung vor Übergabe an das Inkasso',
  },
];

describe.each(CASES)('a letter PDF in $language', ({ language, lines, tables, finalSubject }) => {
  it('has its labels in that language: contact line, place and date, subject, tables, fee line, closing, legal mention', async () => {
    const text = await letter('formal-notice', language);
    for (const line of lines) expect(text).toContain(line);
    for (const table of tables) expect(text).toMatch(table);
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });

  it('final notice: the same fixed words, its own subject', async () => {
    const text = await letter('final-notice', language);
    expect(text).toContain(finalSubject);
    expect(text).toContain(lines[0]);
    for (const word of ENGLISH) expect(text).not.toContain(word);
  });
});
