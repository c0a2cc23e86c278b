/**
 * The HTTP profile a connector declares as data (its `profile.ts`): base URL, published limits,
 * the headers that report what is left, and its paging style. Validated when the connector loads.
 */
import { z } from 'zod';

const positiveInt = z.number().int().positive();

/** One published rate window: at most `requests` calls per `perMs` milliseconds. */
export const rateWindowSchema = z.object({ requests: positiveInt, perMs: positiveInt });

export const pagingStyleSchema = z.discriminatedUnion('style', [
  /** QuickBooks query: `STARTPOSITION` (1-based) and `MAXRESULTS`. */
  z.object({ style: z.literal('offset'), pageSize: positiveInt, firstPosition: z.number().int().min(0).default(1) }),
  /** Xero: `page` (1-based) with a fixed page size. */
  z.object({ style: z.literal('page'), pageSize: positiveInt, firstPage: z.number().int().min(0).default(1) }),
  /** HubSpot: an opaque `after` token from `paging.next`. */
  z.object({ style: z.literal('cursor'), pageSize: positiveInt }),
]);

export const httpProfileSchema = z.object({
  provider: z.string().min(1),
  baseUrl: z.url(),
  limits: z.object({
    /** Calls in flight at once for one account. */
    concurrent: positiveInt,
    windows: z.array(rateWindowSchema).min(1),
    /** Share of each published limit we aim for, so steady state never trips a 429. */
    headroom: z.number().gt(0).max(1).default(0.9),
  }),
  /** Names of the response headers that say how much is left (lower or any case). */
  limitHeaders: z
    .object({
      remaining: z.string().optional(),
      /** The limit of the window the provider reports on (`X-HubSpot-RateLimit-Max`): it may lower ours, never raise it. */
      max: z.string().optional(),
      intervalMs: z.string().optional(),
      dailyRemaining: z.string().optional(),
    })
    .default({}),
  paging: pagingStyleSchema,
});

export type RateWindow = z.infer<typeof rateWindowSchema>;
export type PagingStyle = z.infer<typeof pagingStyleSchema>;
export type HttpProfile = z.infer<typeof httpProfileSchema>;
export type HttpProfileInput = z.input<typeof httpProfileSchema>;

/** Validates a connector's profile; a bad one is a programming error caught at load. */
export function defineProfile(input: HttpProfileInput): HttpProfile {
  return httpProfileSchema.parse(input);
}
