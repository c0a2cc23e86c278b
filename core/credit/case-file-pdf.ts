/**
 * The case file's PDF summary (A4): a title, the parties side by side, the hand-over, then one
 * section per subject — amounts owed by invoice, reminders and letters, promises, disputes,
 * recovered amounts — as tables that continue on the next page when they run out of room.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { winAnsi } from '../messages/letter-pdf.ts';
import type { CaseFile } from './case-file.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const SIZE = 9;
const LEADING = 12.5;
const WIDTH = A4[0] - 2 * MARGIN;

interface Writer {
  doc: PDFDocument;
  page: PDFPage;
  y: number;
  regular: PDFFont;
  bold: PDFFont;
}

function room(w: Writer, lines = 1): void {
  if (w.y - lines * LEADING >= MARGIN) return;
  w.page = w.doc.addPage(A4);
  w.y = A4[1] - MARGIN;
}

/** Cuts text to fit `width`, with an ellipsis: table cells stay on one line. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  const t = winAnsi(text).replace(/\n/g, ' ');
  if (font.widthOfTextAtSize(t, size) <= width) return t;
  let cut = t;
  while (cut.length > 1 && font.widthOfTextAtSize(cut + '…', size) > width) cut = cut.slice(0, -1);
  return cut + '…';
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of winAnsi(text).split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        out.push(line);
        line = word;
      } else line = next;
    }
    out.push(line);
  }
  return out;
}

function text(w: Writer, value: string, options: { bold?: boolean; size?: number; x?: number; width?: number } = {}): void {
  const font = options.bold ? w.bold : w.regular;
  const size = options.size ?? SIZE;
  for (const line of wrap(value, font, size, options.width ?? WIDTH)) {
    room(w);
    w.page.drawText(line, { x: options.x ?? MARGIN, y: w.y, size, font });
    w.y -= size > SIZE ? size * 1.4 : LEADING;
  }
}

function heading(w: Writer, title: string): void {
  room(w, 3);
  w.y -= LEADING / 2;
  w.page.drawText(winAnsi(title), { x: MARGIN, y: w.y, size: 11.5, font: w.bold });
  w.y -= 4;
  w.page.drawLine({ start: { x: MARGIN, y: w.y }, end: { x: MARGIN + WIDTH, y: w.y }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  w.y -= LEADING;
}

/** A table: `widths` are fractions of the page width; the header repeats on each new page. */
function table(w: Writer, header: string[], rows: string[][], widths: number[], empty: string): void {
  if (rows.length === 0) {
    text(w, empty);
    return;
  }
  const drawRow = (cells: string[], font: PDFFont) => {
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const width = widths[i]! * WIDTH;
      w.page.drawText(fit(cell, font, SIZE, width - 6), { x, y: w.y, size: SIZE, font });
      x += width;
    });
    w.y -= LEADING;
  };
  room(w, 2);
  drawRow(header, w.bold);
  for (const row of rows) {
    if (w.y - LEADING < MARGIN) {
      room(w, 2);
      drawRow(header, w.bold);
    }
    drawRow(row, w.regular);
  }
}

function partyBlock(w: Writer, title: string, lines: string[], x: number, top: number): number {
  let y = top;
  w.page.drawText(winAnsi(title), { x, y, size: SIZE, font: w.bold });
  y -= LEADING;
  for (const line of lines) {
    w.page.drawText(fit(line, w.regular, SIZE, WIDTH / 2 - 12), { x, y, size: SIZE, font: w.regular });
    y -= LEADING;
  }
  return y;
}

/** The summary as PDF bytes; the same case file gives the same bytes. */
export async function renderCaseFilePdf(file: CaseFile): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(`Case file: ${file.debtor.name}`));
  doc.setAuthor(winAnsi(file.creditor.name));
  doc.setCreator('Relance');
  doc.setProducer('Relance');
  doc.setCreationDate(new Date(0));
  doc.setModificationDate(new Date(0));
  const w: Writer = { doc, page: doc.addPage(A4), y: A4[1] - MARGIN, regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  const h = file.handover;

  text(w, `Case file — ${file.debtor.name}`, { bold: true, size: 16 });
  text(w, `Handed over to ${h.kind === 'litigation' ? 'litigation' : 'a collection agency'}: ${h.party}${h.reference ? ` (reference ${h.reference})` : ''} on ${h.handedOverAt.slice(0, 10)}. Figures as of ${file.asOf}.`);
  w.y -= LEADING / 2;
  const top = w.y;
  const creditor = [file.creditor.name, ...file.creditor.address, file.creditor.taxId ? `Tax id: ${file.creditor.taxId}` : ''].filter(Boolean);
  const debtor = [file.debtor.name, ...file.debtor.address, file.debtor.taxId ? `Tax id: ${file.debtor.taxId}` : '', file.debtor.email ?? '', file.debtor.phone ?? ''].filter(Boolean);
  const yLeft = partyBlock(w, 'Creditor', creditor, MARGIN, top);
  const yRight = partyBlock(w, 'Debtor', debtor, MARGIN + WIDTH / 2, top);
  w.y = Math.min(yLeft, yRight) - LEADING / 2;
  if (h.note) text(w, `Note: ${h.note}`);

  heading(w, 'Amounts owed');
  table(w, ['Invoice', 'Issued', 'Due', 'Late (d)', 'Total', 'Balance', 'Interest', 'Fixed comp.'],
    file.invoices.map((i) => [i.number, i.issueDate, i.dueDate, String(i.daysLate), `${i.total} ${i.currency}`, `${i.balance} ${i.currency}`, `${i.interest} ${i.currency}`, `${i.fixed} ${i.currency}`]),
    [0.14, 0.11, 0.11, 0.08, 0.14, 0.14, 0.14, 0.14], 'No open invoice.');
  for (const [currency, t] of Object.entries(file.totals)) {
    text(w, `Total ${currency}: principal ${t.principal}, interest ${t.interest}, fixed compensation ${t.fixed}, claimed ${t.total} ${currency}.`, { bold: true });
  }
  text(w, `Late-payment policy: ${file.policy}${file.policy === 'FR_B2B' ? ' (Code de commerce, article L441-10: interest at the ECB rate plus 10 points and 40 EUR fixed compensation per invoice)' : ''}.`);

  heading(w, `Reminders and letters (${file.reminders.length})`);
  table(w, ['Date', 'Step', 'Channel', 'Template', 'To', 'Invoices'],
    file.reminders.map((r) => [r.date, r.step === null ? '' : String(r.step), r.channel, r.template ?? '', r.to ?? '', r.invoices.join(', ')]),
    [0.12, 0.06, 0.1, 0.2, 0.27, 0.25], 'No reminder was sent.');

  const broken = file.promises.filter((p) => p.status === 'broken').length;
  heading(w, `Promises to pay (${file.promises.length}, ${broken} broken)`);
  table(w, ['Recorded', 'Promised for', 'Amount', 'Status'],
    file.promises.map((p) => [p.recordedOn, p.promisedDate, p.amount ? `${p.amount} ${p.currency}` : '', p.status === 'broken' ? 'BROKEN' : p.status]),
    [0.2, 0.2, 0.3, 0.3], 'No promise was made.');

  heading(w, `Disputes (${file.disputes.length})`);
  table(w, ['Opened', 'Reason', 'Status', 'Invoices'],
    file.disputes.map((d) => [d.openedOn, d.reason, d.resolution ? `${d.status}: ${d.resolution}` : d.status, d.invoices.join(', ')]),
    [0.14, 0.4, 0.24, 0.22], 'No dispute was raised.');

  heading(w, 'Recovered since the hand-over');
  const recovered = Object.entries(file.recovered);
  text(w, recovered.length ? recovered.map(([c, a]) => `${a} ${c}`).join(', ') : 'Nothing yet.');
  return doc.save();
}
