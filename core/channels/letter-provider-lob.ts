/**
 * Letters printed and posted by Lob (lob.com): `POST {base}/v1/letters`, multipart/form-data with
 * the PDF as `file`, the `to` and `from` addresses inline (`to[name]`, `to[address_line1]`, …),
 * `color`, `double_sided`, `address_placement`, `use_type` and an optional `extra_service`
 * (certified or registered mail); HTTP Basic auth with the API key as user name and no password;
 * an `Idempotency-Key` header so that a retried send creates one letter. 200 answers the letter
 * object (`id` "ltr_…", `expected_delivery_date`).
 * https://docs.lob.com/#tag/Letters/operation/letter_create
 * https://docs.lob.com/#section/Idempotent-Requests
 * https://docs.lob.com/#section/Errors
 */
import { z } from 'zod';
import { ConfigError, InvalidInput, RateLimited, Transient } from '../errors.ts';
import { DeliveryRejected } from './errors.ts';
import { assertPdf } from './letter-channel.ts';
import type { Channel, LetterMessage, LetterParty, SendResult } from './types.ts';

export const lobConfigSchema = z.object({
  baseUrl: z.url().default('https://api.lob.com'),
  apiKey: z.string().min(1),
  /** Lob's "certified" / "registered" extra service: a formal notice sent with proof of posting. */
  extraService: z.enum(['certified', 'certified_return_receipt', 'registered']).nullable().default(null),
  color: z.boolean().default(false),
  timeoutMs: z.number().int().positive().default(30_000),
});
export type LobConfig = z.input<typeof lobConfigSchema>;

const created = z.object({ id: z.string().min(1), expected_delivery_date: z.string().nullish() });
const failure = z.object({ error: z.object({ message: z.string().optional(), status_code: z.number().optional(), code: z.string().optional() }).passthrough() }).passthrough();

/** Lob's address fields for one party (the first street line is required, the rest when known). */
function addressFields(prefix: 'to' | 'from', party: LetterParty, form: FormData): void {
  const a = party.address;
  const lines = a.lines.map((l) => l.trim()).filter((l) => l !== '');
  form.set(`${prefix}[name]`, party.name.slice(0, 40));
  form.set(`${prefix}[address_line1]`, lines[0] ?? '');
  if (lines.length > 1) form.set(`${prefix}[address_line2]`, lines.slice(1).join(', '));
  if (a.city) form.set(`${prefix}[address_city]`, a.city);
  if (a.region) form.set(`${prefix}[address_state]`, a.region);
  if (a.postalCode) form.set(`${prefix}[address_zip]`, a.postalCode);
  if (a.country) form.set(`${prefix}[address_country]`, a.country);
}

export class LobLetterChannel implements Channel<LetterMessage> {
  readonly kind = 'letter' as const;
  private readonly config: z.output<typeof lobConfigSchema>;

  constructor(config: LobConfig) {
    const parsed = lobConfigSchema.safeParse(config);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`letter.${issue.path.join('.')}: ${issue.message}`, { field: `letter.${issue.path.join('.')}` });
    }
    this.config = parsed.data;
  }

  async send(message: LetterMessage): Promise<SendResult> {
    assertPdf(message.pdf);
    if (!message.to || !message.from) throw new InvalidInput('letter: a posted letter needs the recipient and the sender addresses', { field: message.to ? 'from' : 'to' });
    const c = this.config;
    const form = new FormData();
    form.set('description', (message.description ?? 'Relance letter').slice(0, 255));
    addressFields('to', message.to, form);
    addressFields('from', message.from, form);
    form.set('color', String(c.color));
    form.set('double_sided', 'true');
    // The PDF carries its own address block in the window position: Lob adds a blank address page
    // rather than printing over the letter's first page.
    form.set('address_placement', 'insert_blank_page');
    form.set('use_type', 'operational');
    if (c.extraService) form.set('extra_service', c.extraService);
    form.set('file', new Blob([message.pdf], { type: 'application/pdf' }), 'letter.pdf');
    let response: Response;
    try {
      response = await fetch(`${c.baseUrl.replace(/\/$/, '')}/v1/letters`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${c.apiKey}:`).toString('base64')}`,
          'idempotency-key': message.idempotencyKey,
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(c.timeoutMs),
      });
    } catch (e) {
      // The idempotency key makes the retry safe: Lob answers the letter already created.
      throw new Transient(`letter: ${(e as Error).message}`, {}, { cause: e });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const ok = created.safeParse(body);
      if (!ok.success) throw new Transient(`letter: HTTP ${response.status} without a letter id`, { status: response.status });
      return { providerMessageId: ok.data.id, document: message.pdf };
    }
    throw classifyLobFailure(response.status, response.headers.get('retry-after'), body);
  }

  async close(): Promise<void> {}
}

/**
 * 429: rate limited (Retry-After honoured); 401/403: the API key is refused; 5xx: Lob's trouble,
 * retried with the same idempotency key; 422 and other 4xx: the letter is refused for good (an
 * address Lob cannot post to, a file it cannot print).
 */
export function classifyLobFailure(status: number, retryAfter: string | null, body: unknown): Error {
  const parsed = failure.safeParse(body);
  const text = parsed.success && parsed.data.error.message ? parsed.data.error.message : `HTTP ${status}`;
  const details = { status, providerCode: parsed.success ? (parsed.data.error.code ?? null) : null };
  if (status === 429) {
    const seconds = retryAfter !== null ? Number(retryAfter) : NaN;
    return new RateLimited(`letter: rate limited: ${text}`, Number.isFinite(seconds) ? seconds * 1000 : null, details);
  }
  if (status === 401 || status === 403) return new ConfigError(`letter: API key refused: ${text}`, { ...details, field: 'RELANCE_LOB_API_KEY' });
  if (status >= 500) return new Transient(`letter: provider error: ${text}`, details);
  return new DeliveryRejected(`letter: refused (${status}): ${text}`, false, null, details);
}
