// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/creditmemo
import type { QuickBooksEntitySync } from './entity-sync.ts';

export const creditMemos: QuickBooksEntitySync = {
  stream: { name: 'creditNote', produces: [{ entity: 'creditNote', mapping: 'creditNote' }] },
  entity: 'CreditMemo',
  finder: 'findCreditMemos',
};
