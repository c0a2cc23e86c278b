/**
 * SMS through a Twilio-shaped HTTP API: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`,
 * form-encoded `To`, `From` (or `MessagingServiceSid`) and `Body`, HTTP Basic auth with the
 * account SID and auth token; 201 answers the message resource with its `sid`.
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
import { z } from 'zod';
import { ConfigError, InvalidInput, RateLimited, Transient } from '../errors.ts';
import { DeliveryRejected } from './errors.ts';
import type { Channel, SendResult, SmsMessage } from './types.ts';

export const smsConfigSchema = z
  .object({
    baseUrl: z.url().default('https://api.twilio.com'),
    accountSid: z.string().min(1),
    authToken: z.string().min(1),
    from: z.string().optional(),
    messagingServiceSid: z.string().optional(),
    timeoutMs: z.number().int().positive().default(15_000),
  })
  .refine((c) => c.from || c.messagingServiceSid, { message: 'from or messagingServiceSid is required', path: ['from'] });
export type SmsConfig = z.input<typeof smsConfigSchema>;

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Error codes that say the number itself cannot receive: invalid "To" (21211), not a mobile
 * number (21614), the recipient replied STOP (21610). The send job treats them as hard bounces.
 * https://www.twilio.com/docs/api/errors/21211
 * https://www.twilio.com/docs/api/errors/21614
 * https://www.twilio.com/docs/api/errors/21610
 */
const BAD_NUMBER_CODES = new Set([21211, 21614, 21610]);

const created = z.object({ sid: z.string().min(1), status: z.string().optional() });
const failure = z.object({ code: z.number().optional(), message: z.string().optional() }).passthrough();

export class TwilioSmsChannel implements Channel<SmsMessage> {
  readonly kind = 'sms' as const;
  private readonly config: z.output<typeof smsConfigSchema>;

  constructor(config: SmsConfig) {
    const parsed = smsConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`sms.${issue.path.join('.')}: ${issue.message}`, { field: `sms.${issue.path.join('.')}` });
    }
    this.config = parsed.data;
  }

  async send(message: SmsMessage): Promise<SendResult> {
    if (!E164.test(message.to)) {
      // Caught before the call: the same verdict the provider would give (21211), without the cost.
      throw new DeliveryRejected(`sms: "${message.to}" is not an E.164 phone number`, true, message.to, { field: 'to' });
    }
    if (message.text.trim() === '') throw new InvalidInput('sms: empty text', { field: 'text' });
    const c = this.config;
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (c.messagingServiceSid) form.set('MessagingServiceSid', c.messagingServiceSid);
    else form.set('From', c.from!);
    const url = `${c.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(c.accountSid)}/Messages.json`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${c.accountSid}:${c.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(c.timeoutMs),
      });
    } catch (e) {
      // The request may or may not have reached the provider; Twilio has no idempotency key on
      // message creation, so a retry can in rare cases send twice. Recorded as transient anyway:
      // a missed reminder costs more than a rare duplicate SMS.
      throw new Transient(`sms: ${(e as Error).message}`, {}, { cause: e });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const ok = created.safeParse(body);
      if (!ok.success) throw new Transient(`sms: HTTP ${response.status} without a message sid`, { status: response.status });
      return { providerMessageId: ok.data.sid };
    }
    throw classifySmsFailure(response.status, response.headers.get('retry-after'), body, message.to);
  }

  async close(): Promise<void> {}
}

/**
 * 429: rate limited (honour Retry-After); 401/403: the credentials are wrong; 5xx: the provider's
 * trouble, retried; another 4xx: refused for good, a hard bounce when the error code is a bad number.
 * https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions
 */
export function classifySmsFailure(status: number, retryAfter: string | null, body: unknown, to: string): Error {
  const parsed = failure.safeParse(body);
  const code = parsed.success ? (parsed.data.code ?? null) : null;
  const text = parsed.success && parsed.data.message ? parsed.data.message : `HTTP ${status}`;
  const details = { status, providerCode: code };
  if (status === 429) {
    const seconds = retryAfter !== null ? Number(retryAfter) : NaN;
    return new RateLimited(`sms: rate limited: ${text}`, Number.isFinite(seconds) ? seconds * 1000 : null, details);
  }
  if (status === 401 || status === 403) return new ConfigError(`sms: credentials refused: ${text}`, { ...details, field: 'sms.authToken' });
  if (status >= 500) return new Transient(`sms: provider error: ${text}`, details);
  const hard = code !== null && BAD_NUMBER_CODES.has(code);
  return new DeliveryRejected(`sms: refused (${code ?? status}): ${text}`, hard, to, details);
}
