/** The QuickBooks entity syncs, in sync order: customers before the documents that name them. */
import { creditMemos } from './credit-memos.ts';
import { customers } from './customers.ts';
import type { QuickBooksEntitySync } from './entity-sync.ts';
import { invoices } from './invoices.ts';
import { payments } from './payments.ts';

export type { QuickBooksEntitySync } from './entity-sync.ts';

export const ENTITY_SYNCS: readonly QuickBooksEntitySync[] = [customers, invoices, payments, creditMemos];

export function syncForStream(stream: string): QuickBooksEntitySync | undefined {
  return ENTITY_SYNCS.find((s) => s.stream.name === stream);
}

export function syncForEntity(entity: string): QuickBooksEntitySync | undefined {
  return ENTITY_SYNCS.find((s) => s.entity.toLowerCase() === entity.toLowerCase());
}
