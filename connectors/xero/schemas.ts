/**
 * The raw Xero shapes the connector reads itself, checked at the edge with zod. Records stay whole
 * (`passthrough`): the mapping engine reads them; here only what paging, cursors and webhooks need.
 */
import { z } from 'zod';

// https://developer.xero.com/documentation/api/accounting/responsecodes
export const xeroErrorBodySchema = z
  .object({
    ErrorNumber: z.number().optional(),
    Type: z.string().optional(),
    Message: z.string().optional(),
    Elements: z.array(z.object({ ValidationErrors: z.array(z.object({ Message: z.string().optional() }).passthrough()).optional() }).passthrough()).optional(),
  })
  .passthrough();

/** One record of a list: an object; its id and update time are read apart so one bad record never sinks a page. */
export const xeroRecordSchema = z.record(z.string(), z.unknown());

/**
 * A list answer: the collection under its key, and `DateTimeUTC`, Xero's clock when it answered.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#json-responses-and-date-formats
 */
export function listEnvelopeSchema(key: string) {
  return z
    .object({ DateTimeUTC: z.string().optional(), [key]: z.array(z.unknown()).optional() })
    .passthrough();
}

// https://developer.xero.com/documentation/guides/oauth2/auth-flow#5-check-the-tenants-youre-authorized-to-access
export const tenantsSchema = z.array(
  z
    .object({
      tenantId: z.string().min(1),
      tenantType: z.string(),
      tenantName: z.string().nullable().optional(),
    })
    .passthrough(),
);

export type XeroTenant = z.infer<typeof tenantsSchema>[number];

// https://developer.xero.com/documentation/guides/webhooks/overview#payload
export const webhookEventSchema = z
  .object({
    resourceUrl: z.string(),
    resourceId: z.string().min(1),
    eventDateUtc: z.string(),
    eventType: z.string().min(1),
    eventCategory: z.string().min(1),
    tenantId: z.string().min(1),
    tenantType: z.string(),
  })
  .passthrough();

export const webhookBodySchema = z
  .object({
    events: z.array(webhookEventSchema),
    firstEventSequence: z.number().int(),
    lastEventSequence: z.number().int(),
    entropy: z.string(),
  })
  .passthrough();

// https://developer.xero.com/documentation/api/accounting/historyandnotes#put-history
export const historyAnswerSchema = z.object({ HistoryRecords: z.array(z.object({ Details: z.string().optional() }).passthrough()).min(1) }).passthrough();

/**
 * Milliseconds since the epoch of a Xero timestamp: the .NET form `/Date(1769952123000+0000)/` of
 * the JSON API, or an ISO instant without a zone, which Xero means as UTC. Null when unreadable.
 */
export function xeroInstantMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const dotNet = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(value);
  // The offset only says how to show the instant; the milliseconds are already UTC.
  if (dotNet) return Number(dotNet[1]);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.test(value)) return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : ms;
}
