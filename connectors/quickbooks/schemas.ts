/**
 * The raw shapes QuickBooks answers, checked at the edge. Records themselves stay loose (the mapping
 * engine reads them); what is checked is the envelope the connector relies on.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
import { z } from 'zod';

// The Id is not required here: a record without one is the mapping's to reject (named, kept with
// its raw form) while the rest of the page goes on; an Id of the wrong type still breaks the envelope.
const record = z.looseObject({ Id: z.union([z.string(), z.number()]).transform(String).optional() });

/** `{"QueryResponse": {"Invoice": […], "startPosition", "maxResults"}, "time"}`; an empty page is `{}`. */
export function queryResponseSchema(entity: string) {
  return z.object({
    QueryResponse: z.looseObject({ [entity]: z.array(record).optional() }),
    time: z.string().optional(),
  });
}

/** `{"CDCResponse": [{"QueryResponse": [{"Invoice": […]}, …]}], "time"}`. */
export const cdcResponseSchema = z.object({
  CDCResponse: z.array(z.object({ QueryResponse: z.array(z.record(z.string(), z.unknown())).optional() })).min(1),
  time: z.string().optional(),
});

export const faultSchema = z.object({
  Fault: z.object({
    Error: z.array(z.looseObject({ Message: z.string().optional(), Detail: z.string().optional(), code: z.union([z.string(), z.number()]).transform(String).optional(), element: z.string().optional() })).min(1),
    type: z.string().optional(),
  }),
});

// https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
export const webhookSchema = z.object({
  eventNotifications: z.array(
    z.object({
      realmId: z.string().min(1),
      dataChangeEvent: z.object({
        // `deletedID` (spelled so in Intuit's field table; `deletedId` accepted too): on a Merge, the
        // record merged away into `id`.
        entities: z.array(z.looseObject({
          name: z.string().min(1), id: z.string().min(1), operation: z.string().min(1), lastUpdated: z.string().optional(),
          deletedID: z.string().min(1).optional(), deletedId: z.string().min(1).optional(),
        })),
      }),
    }),
  ),
});

/** The CloudEvents form Intuit announced for the same notifications: one event per change. */
export const cloudEventsSchema = z.array(
  z.looseObject({
    specversion: z.string(),
    type: z.string().min(1),
    intuitentityid: z.string().min(1).optional(),
    intuitaccountid: z.string().min(1).optional(),
    // On `qbo.customer.merged.v1`: `data.deletedid`, the record merged away (Intuit's "Understanding
    // the data object" page). Other events carry other data, or none.
    data: z.looseObject({ deletedid: z.union([z.string(), z.number()]).transform(String).optional() }).nullish(),
  }),
).min(1);


/** An invoice as a read or an update answers it. */
export const invoiceReadSchema = z.looseObject({ Id: z.string(), SyncToken: z.string(), PrivateNote: z.string().optional() });

/**
 * node-quickbooks hands reads and updates over unwrapped (`{"Invoice": {…}}` becomes the invoice)
 * when the key is there; accept either form.
 */
export function unwrapEntity(body: unknown, key: string): unknown {
  if (body !== null && typeof body === 'object' && key in body) return (body as Record<string, unknown>)[key];
  return body;
}

export type QboRecord = z.infer<typeof record>;
