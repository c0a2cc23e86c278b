import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unzip } from '../../test/support/unzip.ts';
import { columnName, crc32, excelSerial, fileNameOf, parseTable, sheetName, toCsv, toXlsx, zip } from './index.ts';

const table = parseTable({
  name: 'Balance âgée — mars',
  columns: [
    { key: 'customer', header: 'Client', type: 'text' },
    { key: 'due', header: 'Échéance', type: 'date' },
    { key: 'amount', header: 'Montant', type: 'decimal' },
    { key: 'days', header: 'Jours', type: 'integer' },
  ],
  rows: [
    { customer: 'Société "Dupont", Lyon', due: '2026-03-01', amount: '1250.00', days: '12' },
    { customer: '=HYPERLINK("http://x")', due: null, amount: '-0.10', days: '0' },
    { customer: 'A & B <Ltd>', due: '1900-03-01', amount: '99999999999.99', days: null },
  ],
});

describe('crc32', () => {
  it('gives the check value of the CRC-32/ISO-HDLC catalogue', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('zip', () => {
  it('round-trips entries through the central directory with UTF-8 names', () => {
    const big = Buffer.from('relance '.repeat(5000));
    const files = unzip(zip([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'dossier/é.txt', data: big }]));
    expect([...files.keys()]).toEqual(['a.txt', 'dossier/é.txt']);
    expect(files.get('a.txt')).toBe('hello');
    expect(files.get('dossier/é.txt')).toBe(big.toString());
  });

  it('is deterministic and refuses repeated names', () => {
    const entries = [{ name: 'x', data: Buffer.from('1') }];
    expect(zip(entries).equals(zip(entries))).toBe(true);
    expect(() => zip([...entries, ...entries])).toThrow(/repeated/);
  });

  it.runIf(existsSync('/usr/bin/unzip'))('passes Info-ZIP’s integrity test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relance-zip-'));
    try {
      writeFileSync(join(dir, 't.xlsx'), toXlsx(table));
      expect(execFileSync('/usr/bin/unzip', ['-t', join(dir, 't.xlsx')]).toString()).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseTable', () => {
  it('names the row and column of a cell that is not its type', () => {
    const bad = { name: 't', columns: [{ key: 'amount', header: 'A', type: 'decimal' }], rows: [{ amount: '1.00' }, { amount: '1,5' }] };
    expect(() => parseTable(bad)).toThrow('rows.1.amount: "1,5" is not a decimal');
    expect(() => parseTable({ name: 't', columns: [], rows: [] })).toThrow(/^columns/);
    expect(() => parseTable({ name: 't', columns: [{ key: 'd', header: 'D', type: 'date' }], rows: [{ d: 1.5 }] })).toThrow(/^rows\.0\.d/);
  });
});

describe('toCsv', () => {
  it('writes a BOM, CRLF lines, quoted fields and defuses formulas in text cells only', () => {
    const csv = toCsv(table);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'Client,Échéance,Montant,Jours',
      '"Société ""Dupont"", Lyon",2026-03-01,1250.00,12',
      `"'=HYPERLINK(""http://x"")",,-0.10,0`,
      'A & B <Ltd>,1900-03-01,99999999999.99,',
      '',
    ]);
  });
});

describe('toXlsx', () => {
  const files = unzip(toXlsx(table));

  it('holds the parts Excel needs', () => {
    expect([...files.keys()].sort()).toEqual(
      ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'].sort(),
    );
    expect(files.get('xl/workbook.xml')).toContain('<sheet name="Balance âgée — mars" sheetId="1" r:id="rId1"/>');
  });

  it('writes text inline and escaped, amounts and dates as numbers with their formats', () => {
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toContain('<c r="A1" s="1" t="inlineStr"><is><t xml:space="preserve">Client</t></is></c>');
    expect(sheet).toContain('<c r="A2" s="0" t="inlineStr"><is><t xml:space="preserve">Société &quot;Dupont&quot;, Lyon</t></is></c>');
    expect(sheet).toContain('<c r="B2" s="3"><v>46082</v></c>');
    expect(sheet).toContain('<c r="C2" s="2"><v>1250.00</v></c>');
    expect(sheet).toContain('<c r="D2" s="4"><v>12</v></c>');
    expect(sheet).toContain('<c r="C4" s="2"><v>99999999999.99</v></c>');
    expect(sheet).toContain('A &amp; B &lt;Ltd&gt;');
    // An empty cell is left out, not written as an empty value.
    expect(sheet).toContain('<row r="3"><c r="A3"');
    expect(sheet).not.toContain('r="B3"');
  });

  it('computes Excel serials, column names, sheet and file names', () => {
    expect(excelSerial('1900-03-01')).toBe(61);
    expect(excelSerial('2026-03-01')).toBe(46082);
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
    expect(sheetName('Q1/Q2: [aging]*')).toBe('Q1 Q2   aging');
    expect(sheetName('x'.repeat(40))).toHaveLength(31);
    expect(fileNameOf(table, 'xlsx')).toBe('balance-agee-mars.xlsx');
  });
});
