import { readFile } from 'node:fs/promises';
import { InvalidInput } from '../errors.ts';
import type { Ledger } from './model.ts';
import { parseLedger } from './parse.ts';

/** Reads and validates a ledger file; every failure is an InvalidInput naming the file or the field. */
export async function readLedgerFile(path: string): Promise<Ledger> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InvalidInput(`--input: cannot read ${path} (${code})`, { field: 'input' });
  }
  let json: unknown;
  try {
    // A UTF-8 byte-order mark (Windows editors, Excel's "CSV UTF-8" habit) is not part of the JSON.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new InvalidInput(`--input: ${path} is not valid JSON (${(e as Error).message})`, { field: 'input' });
  }
  try {
    return parseLedger(json);
  } catch (e) {
    if (e instanceof InvalidInput) throw new InvalidInput(`${path}: ${e.message}`, e.details);
    throw e;
  }
}
