/**
 * A letter as a PDF (A4), laid out for a window envelope: the sender's block top left, the
 * recipient's block where the window of an ISO C5/6 or DL envelope with a right-hand window shows
 * it (20 mm from the right edge, 45 to 90 mm from the top: NF EN ISO 269 / La Poste's "fenêtre à
 * droite"), the place and date under it, the subject in bold, the text, and a footer naming the
 * sender on every page. Lines that start with "|" are table rows ("| a | b |"), the first row of
 * each table in bold, columns sized to their widest cell, amounts aligned right.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface LetterLayout {
  readonly sender: readonly string[];
  readonly recipient: readonly string[];
  /** "Paris, le 3 décembre 2026". */
  readonly placeAndDate: string;
  readonly subject: string;
  readonly body: string;
  /** One small line at the foot of each page (the sender's name and address). */
  readonly footer?: string;
  /** Document metadata. */
  readonly title: string;
  readonly author: string;
  readonly language: string;
}

const MM = 72 / 25.4;
const A4: [number, number] = [595.28, 841.89];
const MARGIN = 20 * MM;
const SIZE = 10.5;
const SMALL = 7.5;
const LEADING = 14;
/** The window: 100 mm wide, 45 mm high, 20 mm from the right edge, its top 45 mm from the top of the sheet. */
const WINDOW = { x: A4[0] - 20 * MM - 100 * MM, top: A4[1] - 45 * MM, height: 45 * MM, inset: 5 * MM };
const TEXT_TOP = A4[1] - 100 * MM;
const CELL_GAP = 14;
const BOTTOM = MARGIN + 2 * LEADING;

interface Cursor {
  page: PDFPage;
  y: number;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Renders a letter to PDF bytes. */
export async function renderLetterPdf(layout: LetterLayout): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(oneLine(layout.title)));
  doc.setAuthor(winAnsi(oneLine(layout.author)));
  doc.setLanguage(layout.language);
  doc.setCreator('Relance');
  doc.setProducer('Relance');
  // A fixed date keeps the bytes of the same letter the same: the letter's own date is in its text.
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const fonts: Fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  const footer = layout.footer ? winAnsi(oneLine(layout.footer)) : '';
  const newPage = (): PDFPage => {
    const page = doc.addPage(A4);
    if (footer) page.drawText(fit(footer, fonts.regular, SMALL, A4[0] - 2 * MARGIN), { x: MARGIN, y: MARGIN, size: SMALL, font: fonts.regular, color: rgb(0.35, 0.38, 0.42) });
    return page;
  };
  const first = newPage();

  drawBlock(first, layout.sender, MARGIN, A4[1] - MARGIN, fonts, SIZE);
  // The recipient: inside the window with its inset, at most as many lines as it shows.
  const windowLines = Math.floor((WINDOW.height - 2 * WINDOW.inset) / LEADING);
  drawBlock(first, layout.recipient.slice(0, windowLines), WINDOW.x + WINDOW.inset, WINDOW.top - WINDOW.inset - SIZE, fonts, SIZE);
  const cursor: Cursor = { page: first, y: WINDOW.top - WINDOW.height - LEADING };
  if (layout.placeAndDate) drawLine(cursor, winAnsi(oneLine(layout.placeAndDate)), WINDOW.x + WINDOW.inset, fonts.regular, newPage);
  cursor.y = Math.min(cursor.y - LEADING, TEXT_TOP);

  for (const line of wrap(winAnsi(oneLine(layout.subject)), fonts.bold, A4[0] - 2 * MARGIN)) drawLine(cursor, line, MARGIN, fonts.bold, newPage);
  cursor.y -= LEADING;

  const lines = winAnsi(layout.body).split('\n');
  const width = A4[0] - 2 * MARGIN;
  const keepFrom = closingStart(lines);
  for (let i = 0; i < lines.length; ) {
    if (i === keepFrom) {
      // The closing and the signature under it stay on one page: never a signature alone on the last one.
      const needed = lines.slice(i).reduce((n, l) => n + (l.trim() === '' ? 1 : wrap(l, fonts.regular, width).length), 0) * LEADING;
      if (cursor.y - needed < BOTTOM - LEADING && needed < A4[1] - MARGIN - BOTTOM) {
        cursor.page = newPage();
        cursor.y = A4[1] - MARGIN;
      }
    }
    if (lines[i]!.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.trimStart().startsWith('|')) rows.push(cellsOf(lines[i++]!));
      drawTable(cursor, rows, fonts, newPage);
      continue;
    }
    const text = lines[i++]!;
    if (text.trim() === '') cursor.y -= LEADING;
    for (const part of wrap(text, fonts.regular, width)) drawLine(cursor, part, MARGIN, fonts.regular, newPage);
  }
  return doc.save();
}

/**
 * Where the letter's last two paragraphs begin (the closing formula and the signature block), or
 * -1 when the body has fewer paragraphs or ends with a table.
 */
export function closingStart(lines: readonly string[]): number {
  const blank = (k: number) => lines[k]!.trim() === '';
  let k = lines.length - 1;
  for (let paragraph = 0; paragraph < 2; paragraph++) {
    while (k >= 0 && blank(k)) k--;
    if (k < 0) return -1;
    while (k >= 0 && !blank(k)) {
      if (lines[k]!.trimStart().startsWith('|')) return -1;
      k--;
    }
  }
  return k >= 0 ? k + 1 : -1;
}

/** A subject or a title is one line: a value with a line break in it must not break the layout. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function drawBlock(page: PDFPage, lines: readonly string[], x: number, top: number, fonts: Fonts, size: number): void {
  lines.forEach((line, i) => {
    page.drawText(winAnsi(oneLine(line)), { x, y: top - i * LEADING, size, font: i === 0 ? fonts.bold : fonts.regular });
  });
}

function drawLine(cursor: Cursor, text: string, x: number, font: PDFFont, newPage: () => PDFPage): void {
  if (cursor.y < BOTTOM) {
    cursor.page = newPage();
    cursor.y = A4[1] - MARGIN;
  }
  if (text !== '') cursor.page.drawText(text, { x, y: cursor.y, size: SIZE, font });
  cursor.y -= LEADING;
}

const AMOUNT = /\d.*[€$£¥]|[€$£¥].*\d|\d[.,]\d\d\s?[A-Z]{3}$/;

function drawTable(cursor: Cursor, rows: string[][], fonts: Fonts, newPage: () => PDFPage): void {
  const columns = Math.max(...rows.map((r) => r.length));
  const width = (text: string, i: number) => (i === 0 ? fonts.bold : fonts.regular).widthOfTextAtSize(text, SIZE);
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((r, i) => width(r[c] ?? '', i))));
  // A column of amounts ("1 234,56 €", "$40.00") is aligned right, as accountants read them.
  const right = Array.from({ length: columns }, (_, c) => c > 0 && rows.slice(1).some((r) => AMOUNT.test(r[c] ?? '')));
  rows.forEach((row, i) => {
    if (cursor.y < BOTTOM) {
      cursor.page = newPage();
      cursor.y = A4[1] - MARGIN;
    }
    let x = MARGIN;
    row.forEach((cell, c) => {
      const font = i === 0 ? fonts.bold : fonts.regular;
      const offset = right[c] ? widths[c]! - font.widthOfTextAtSize(cell, SIZE) : 0;
      if (cell !== '') cursor.page.drawText(cell, { x: x + offset, y: cursor.y, size: SIZE, font });
      x += widths[c]! + CELL_GAP;
    });
    if (i === 0) {
      cursor.page.drawLine({ start: { x: MARGIN, y: cursor.y - 4 }, end: { x: x - CELL_GAP, y: cursor.y - 4 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
    }
    cursor.y -= LEADING + (i === 0 ? 2 : 0);
  });
}

function cellsOf(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/** Cuts a line that would run past `width`, with an ellipsis. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(text, size) <= width) return text;
  let cut = text;
  while (cut.length > 1 && font.widthOfTextAtSize(cut + '…', size) > width) cut = cut.slice(0, -1);
  return cut + '…';
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
