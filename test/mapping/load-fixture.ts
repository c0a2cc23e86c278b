import { readFileSync } from 'node:fs';

/** A JSON fixture of test/fixtures/mapping, parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../fixtures/mapping/${name}`, import.meta.url), 'utf8'));
}
