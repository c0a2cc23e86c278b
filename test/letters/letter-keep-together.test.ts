/**
 * The letter PDF keeps its closing formula and the signature under it on one page, however long the
 * text above: a letter whose signature ends alone on a second sheet is one a credit manager would not sign.
 */
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { closingStart, renderLetterPdf } from '../../core/messages/letter-pdf.ts';

async function pagesOf(bytes: Uint8Array): Promise<string[]> {
  const parser = new PDFParse({ data: bytes });
  try {
    return (await parser.getText()).pages.map((p) => p.text);
  } finally {
    await parser.destroy();
  }
}

const letter = (fillerLines: number) => ({
  sender: ['Atelier A', '1 rue de la Paix', '75002 Paris'],
  recipient: ['Beacon Transportes S.L.', 'Calle Mayor 1', '28013 Madrid', 'ESPAÑA'],
  placeAndDate: 'Paris, le 4 décembre 2026',
  subject: 'Mise en demeure de payer — facture F-1',
  body: [
    'Madame, Monsieur,',
    '',
    ...Array.from({ length: fillerLines }, (_, k) => `Ligne ${k + 1} du texte de la lettre, assez courte pour tenir sur une ligne.`),
    '',
    'Veuillez agréer, Madame, Monsieur, nos salutations distinguées.',
    '',
    'Marie Durand',
    'Atelier A',
    '01 23 45 67 89',
  ].join('\n'),
  footer: 'Atelier A — 1 rue de la Paix, 75002 Paris',
  title: 'Mise en demeure', author: 'Atelier A', language: 'fr',
});

describe('letter PDF', () => {
  it('finds the last two paragraphs (closing and signature), and none when the text ends with a table', () => {
    expect(closingStart(['a', '', 'b', 'c', '', 'Yours faithfully,', '', 'Name', 'Org', ''])).toBe(5);
    expect(closingStart(['Yours faithfully,', '', 'Name'])).toBe(-1);
    expect(closingStart(['a', '', '| x | y |', '', 'Name'])).toBe(-1);
  });

  it('never leaves the signature without its closing formula, at any length of text', async () => {
    const pageCounts = new Set<number>();
    // From a letter of one page to one that runs well into the second: each length moves the
    // closing one line down, so one of them is where a plain flow would split it from the signature.
    for (let filler = 20; filler <= 60; filler++) {
      const pages = await pagesOf(await renderLetterPdf(letter(filler)));
      pageCounts.add(pages.length);
      const closing = pages.findIndex((p) => p.includes('nos salutations distinguées'));
      const signature = pages.findIndex((p) => p.includes('Marie Durand'));
      expect({ filler, closing, signature, phone: pages.findIndex((p) => p.includes('01 23 45 67 89')) }).toEqual({ filler, closing: signature, signature, phone: signature });
      // Nothing lost: the last line of the text is on the page before or the same page.
      expect(pages.findIndex((p) => p.includes(`Ligne ${filler} du texte`))).toBeLessThanOrEqual(closing);
    }
    expect([...pageCounts].sort()).toEqual([1, 2]);
  }, 60_000);
});
