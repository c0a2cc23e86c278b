/**
 * The raw shapes HubSpot answers, checked at the edge. Records stay loose (the mapping engine reads
 * them); what is checked is what the connector relies on: ids, the modified instant, paging.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
import { z } from 'zod';

export const crmObjectSchema = z.looseObject({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable()),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
});
export type CrmObject = z.infer<typeof crmObjectSchema>;

const paging = z.object({ next: z.object({ after: z.string(), link: z.string().optional() }).optional() }).optional();

/** `GET /crm/v3/objects/{type}`: `{results, paging?}` (the last page has no `paging`). */
export const listPageSchema = z.object({ results: z.array(crmObjectSchema), paging });

/** `POST /crm/v3/objects/{type}/search`: `{total, results, paging?}`. */
export const searchPageSchema = z.object({ total: z.number().int().min(0), results: z.array(crmObjectSchema), paging });

/** Batch answers: 200 `{status, results}`, or 207 with `errors` naming the ids that failed. */
export const batchAnswerSchema = z.object({
  status: z.string(),
  results: z.array(crmObjectSchema),
  errors: z
    .array(z.looseObject({ status: z.string().optional(), category: z.string().optional(), message: z.string(), context: z.record(z.string(), z.array(z.string())).optional() }))
    .optional(),
});

export const errorBodySchema = z.looseObject({
  status: z.string().optional(),
  message: z.string(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  policyName: z.string().optional(),
});

export const propertyGroupsSchema = z.object({ results: z.array(z.looseObject({ name: z.string() })) });
export const propertiesSchema = z.object({
  results: z.array(z.looseObject({ name: z.string(), groupName: z.string().optional(), options: z.array(z.looseObject({ value: z.string() })).optional() })),
});

/** `POST /crm/v3/objects/notes|tasks`: the created engagement. */
export const createdObjectSchema = z.looseObject({ id: z.string().min(1) });

// https://developers.hubspot.com/docs/api/webhooks#webhook-payloads — a batch of up to 100 events.
export const webhookEventSchema = z.looseObject({
  eventId: z.number(),
  subscriptionId: z.number().optional(),
  portalId: z.number(),
  appId: z.number().optional(),
  occurredAt: z.number(),
  subscriptionType: z.string().min(1),
  attemptNumber: z.number().optional(),
  // Absent from association changes (`fromObjectId`, `toObjectId`): those are accepted and ignored.
  objectId: z.number().optional(),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  changeSource: z.string().optional(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;
export const webhookBodySchema = z.array(webhookEventSchema).max(100);
