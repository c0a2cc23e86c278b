/**
 * An Office Open XML workbook (.xlsx) of one sheet, written by hand: the smallest set of parts
 * Excel, LibreOffice and Numbers open without a repair prompt (ECMA-376 Part 1, §12.2 package
 * structure, §18.3 worksheets, §18.8 styles). Text goes in inline strings, which spares a shared
 * string table; amounts and dates are real numbers with a number format, so they sum and sort.
 * https://ecma-international.org/publications-and-standards/standards/ecma-376/
 */
import type { ColumnType, ExportTable } from './table.ts';
import { zip, zipAsync, type ZipEntry } from './zip.ts';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const NS_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NS_PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

// Indexes into cellXfs below. Built-in number formats (§18.8.30): 1 = "0", 4 = "#,##0.00", 14 = short date.
const STYLE: Record<ColumnType | 'header', number> = { text: 0, header: 1, decimal: 2, date: 3, integer: 4 };

const STYLES_XML = `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>`;

const CONTENT_TYPES_XML = `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>`;

const ROOT_RELS_XML = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">
<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>`;

const WORKBOOK_RELS_XML = `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">
<Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="${NS_REL}/styles" Target="styles.xml"/>
</Relationships>`;

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Escapes XML text and drops the control characters XML 1.0 cannot carry at all. */
export function xmlText(value: string): string {
  return value
    // eslint-disable-next-line no-control-regex -- matching control characters is the point here
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** The column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Excel's day 0 is 1899-12-30 in the 1900 date system (the 1900 leap-year bug shifts day 1 back
// one day), so every date from 1900-03-01 on is the count of days since then.
const EXCEL_EPOCH_DAYS = Date.UTC(1899, 11, 30) / 86_400_000;

/** The serial number Excel stores for an ISO date. */
export function excelSerial(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000 - EXCEL_EPOCH_DAYS;
}

function cell(ref: string, type: ColumnType | 'header', value: string): string {
  if (type === 'text' || type === 'header') {
    return `<c r="${ref}" s="${STYLE[type]}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
  }
  // Decimal and integer strings were checked by parseTable: written as the number literal they are.
  const number = type === 'date' ? String(excelSerial(value)) : value;
  return `<c r="${ref}" s="${STYLE[type]}"><v>${number}</v></c>`;
}

function rowXml(table: ExportTable, row: ExportTable['rows'][number], r: number): string {
  const cells = table.columns
    .map((c, i) => {
      const value = row[c.key];
      return value === null || value === undefined || value === '' ? '' : cell(`${columnName(i)}${r + 2}`, c.type, value);
    })
    .join('');
  return `<row r="${r + 2}">${cells}</row>`;
}

/** The worksheet around its rows' XML. */
function sheetXml(table: ExportTable, rows: string): string {
  const header = table.columns.map((c, i) => cell(`${columnName(i)}1`, 'header', c.header)).join('');
  const widths = table.columns
    .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${Math.min(60, Math.max(10, c.header.length + 2))}" customWidth="1"/>`)
    .join('');
  // The header row stays in view while scrolling (a frozen pane below row 1).
  const view = '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>';
  return `${XML_HEAD}<worksheet xmlns="${NS_MAIN}">${view}<cols>${widths}</cols><sheetData><row r="1">${header}</row>${rows}</sheetData></worksheet>`;
}

/** Sheet names: at most 31 characters, none of \ / ? * [ ] : (Excel refuses the file otherwise). */
export function sheetName(name: string): string {
  const cleaned = name.replace(/[\\/?*[\]:]/g, ' ').trim().slice(0, 31);
  return cleaned || 'Sheet1';
}

function parts(table: ExportTable, sheet: string): ZipEntry[] {
  const workbook = `${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><sheets><sheet name="${xmlText(sheetName(table.name))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  return [
    { name: '[Content_Types].xml', data: utf8(CONTENT_TYPES_XML) },
    { name: '_rels/.rels', data: utf8(ROOT_RELS_XML) },
    { name: 'xl/workbook.xml', data: utf8(workbook) },
    { name: 'xl/_rels/workbook.xml.rels', data: utf8(WORKBOOK_RELS_XML) },
    { name: 'xl/styles.xml', data: utf8(STYLES_XML) },
    { name: 'xl/worksheets/sheet1.xml', data: utf8(sheet) },
  ];
}

/** The table as the bytes of an .xlsx workbook with one sheet. */
export function toXlsx(table: ExportTable): Buffer {
  return zip(parts(table, sheetXml(table, table.rows.map((row, r) => rowXml(table, row, r)).join(''))));
}

// Rows written between two turns of the event loop: a slice is a few milliseconds of work.
const ROWS_PER_SLICE = 500;

/**
 * The same workbook without holding the event loop: the rows are written a slice at a time,
 * yielding between slices, and deflated on libuv's thread pool (zipAsync), so that the server
 * keeps answering (webhooks, /healthz) while large exports are built.
 */
export async function toXlsxAsync(table: ExportTable): Promise<Buffer> {
  const rows: string[] = [];
  for (let from = 0; from < table.rows.length; from += ROWS_PER_SLICE) {
    const slice = table.rows.slice(from, from + ROWS_PER_SLICE);
    rows.push(slice.map((row, i) => rowXml(table, row, from + i)).join(''));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return zipAsync(parts(table, sheetXml(table, rows.join(''))));
}
