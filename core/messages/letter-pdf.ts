/**
 * A letter as a PDF (A4): the sender's block, the recipient's block in the window position, the
 * subject in bold, then the rendered text. Lines that start with "|" are table rows ("| a | b |"),
 * the first row of each table in bold, columns sized to their widest cell.
 */
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

export interface LetterLayout {
  readonly sender: readonly string[];
  readonly recipient: readonly string[];
  readonly subject: string;
  readonly body: string;
  /** Document metadata. */
  readonly title: string;
  readonly author: string;
  readonly language: string;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const SIZE = 10.5;
const LEADING = 14;
const RECIPIENT_X = 320;
const CELL_GAP = 16;

interface Cursor {
  page: PDFPage;
  y: number;
}

/** Renders a letter to PDF bytes. */
export async function renderLetterPdf(layout: LetterLayout): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(layout.title));
  doc.setAuthor(winAnsi(layout.author));
  doc.setLanguage(layout.language);
  doc.setCreator('Relance');
  doc.setProducer('Relance');
  // A fixed date keeps the bytes of the same letter the same: the letter's own date is in its text.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const cursor: Cursor = { page: doc.addPage(A4), y: A4[1] - MARGIN };

  drawBlock(cursor.page, layout.sender, MARGIN, cursor.y, regular, bold);
  drawBlock(cursor.page, layout.recipient, RECIPIENT_X, cursor.y - 5 * LEADING, regular, bold);
  cursor.y -= Math.max(layout.sender.length, layout.recipient.length + 5) * LEADING + 2 * LEADING;

  for (const line of wrap(winAnsi(layout.subject), bold, A4[0] - 2 * MARGIN)) drawLine(doc, cursor, line, MARGIN, bold);
  cursor.y -= LEADING;

  const lines = winAnsi(layout.body).split('\n');
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) rows.push(cellsOf(lines[i++]!));
      drawTable(doc, cursor, rows, regular, bold);
      continue;
    }
    const text = lines[i++]!;
    if (text.trim() === '') cursor.y -= LEADING;
    for (const part of wrap(text, regular, A4[0] - 2 * MARGIN)) drawLine(doc, cursor, part, MARGIN, regular);
  }
  return doc.save();
}

function drawBlock(page: PDFPage, lines: readonly string[], x: number, top: number, regular: PDFFont, bold: PDFFont): void {
  lines.forEach((line, i) => {
    page.drawText(winAnsi(line), { x, y: top - i * LEADING, size: SIZE, font: i === 0 ? bold : regular });
  });
}

function drawLine(doc: PDFDocument, cursor: Cursor, text: string, x: number, font: PDFFont): void {
  if (cursor.y < MARGIN) {
    cursor.page = doc.addPage(A4);
    cursor.y = A4[1] - MARGIN;
  }
  if (text !== '') cursor.page.drawText(text, { x, y: cursor.y, size: SIZE, font });
  cursor.y -= LEADING;
}

function drawTable(doc: PDFDocument, cursor: Cursor, rows: string[][], regular: PDFFont, bold: PDFFont): void {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(...rows.map((r, i) => (i === 0 ? bold : regular).widthOfTextAtSize(r[c] ?? '', SIZE))),
  );
  rows.forEach((row, i) => {
    if (cursor.y < MARGIN) {
      cursor.page = doc.addPage(A4);
      cursor.y = A4[1] - MARGIN;
    }
    let x = MARGIN;
    row.forEach((cell, c) => {
      const font = i === 0 ? bold : regular;
      cursor.page.drawText(cell, { x, y: cursor.y, size: SIZE, font });
      x += widths[c]! + CELL_GAP;
    });
    cursor.y -= LEADING;
  });
}

function cellsOf(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** Greedy word wrap to a width in points. */
function wrap(text: string, font: PDFFont, width: number): string[] {
  if (text.trim() === '') return [];
  const out: string[] = [];
  let current = '';
  for (const word of text.split(/ +/)) {
    const next = current ? `${current} ${word}` : word;
    if (current && font.widthOfTextAtSize(next, SIZE) > width) {
      out.push(current);
      current = word;
    } else {
      current = next;
    }
  }
  if (current) out.push(current);
  return out;
}

/** The characters of Windows-1252 above Latin-1's C1 range: what the standard PDF fonts can draw. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * The standard fonts draw WinAnsi only. Intl puts a narrow no-break space (U+202F) in French
 * amounts: it becomes a no-break space; anything else outside WinAnsi becomes "?" rather than
 * failing the whole letter.
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\u202f\u2009\u2007]/g, '\u00a0').replace(/\r/g, '').replace(/\t/g, '    ')) {
    const code = ch.codePointAt(0)!;
    const ok = ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch);
    out += ok ? ch : '?';
  }
  return out;
}
