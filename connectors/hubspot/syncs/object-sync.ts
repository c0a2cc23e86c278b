/** What one HubSpot object sync is: its stream, its object type, the properties it reads. */
import type { StreamSpec } from '../../../core/sync/index.ts';

export interface HubSpotObjectSync {
  stream: StreamSpec;
  /** The CRM object type in API paths (`companies`, `contacts`, `deals`, `invoices`). */
  objectType: string;
  /** The property search filters and sorts on: the object's last-modified instant. */
  modifiedProperty: string;
  properties: readonly string[];
  /**
   * Whether a portal may lack the object (the invoices object needs Commerce Hub): a refusal to
   * search it ends the stream with the reason in its cursor instead of failing the sync.
   */
  optional?: boolean;
}
