/** What one QuickBooks entity sync is: its stream, its API entity name, its SDK finder and filter. */
import type { StreamSpec } from '../../../core/sync/index.ts';

export interface QuickBooksEntitySync {
  stream: StreamSpec;
  /** The API's entity name (query `FROM`, CDC `entities`, webhook `name`). */
  entity: string;
  /** The node-quickbooks finder (`findInvoices`). */
  finder: string;
  /** Criteria every full query adds. */
  filter?: readonly { field: string; value: unknown; operator: string }[];
}
