/** Exports of report and list tables to CSV and Excel (.xlsx, a hand-written ZIP over node:zlib). */
export { crc32 } from './crc32.ts';
export { toCsv } from './csv.ts';
export { fileNameOf, parseTable, parseTableAsync, tableShape, MAX_COLUMNS, MAX_ROWS, type ColumnType, type ExportColumn, type ExportTable } from './table.ts';
export { columnName, excelSerial, sheetName, toXlsx, toXlsxAsync, XLSX_CONTENT_TYPE } from './xlsx.ts';
export { zip, zipAsync, type ZipEntry } from './zip.ts';
