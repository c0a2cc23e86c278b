/**
 * What one Xero collection is, as data: its key in the answer, its id field, the server-side filter
 * that keeps receivables only, the canonical entities it feeds, and the xero-node call that lists it.
 */
import type { AccountingApi } from 'xero-node';
import type { StreamSpec } from '../../contract.ts';
import type { SdkAnswer } from '../client.ts';

export interface XeroListQuery {
  ifModifiedSince: Date | undefined;
  where: string | undefined;
  order: string;
  page: number;
  pageSize: number;
}

export interface XeroStream extends StreamSpec {
  /** The collection's key in a list answer (`Invoices`). */
  collection: string;
  /** The record's id field; also the listing order, which edits never change. */
  idField: string;
  /** Xero `where` expression, so that bills and supplier documents never cross the wire. */
  where?: string;
  list(api: AccountingApi, tenantId: string, query: XeroListQuery): Promise<SdkAnswer>;
}
