/**
 * A simulator of Lob's letters endpoint, the print-and-post provider Relance's letter channel
 * speaks to (core/channels/letter-provider-lob.ts): `POST /v1/letters` as multipart/form-data,
 * HTTP Basic auth with the API key as user name, an `Idempotency-Key` that answers the same letter
 * again, and the checks Lob makes before it prints — a PDF file, the recipient's first street
 * line, town and country, the sender's, a `use_type` — each refused with Lob's 422 error shape.
 * https://docs.lob.com/#tag/Letters/operation/letter_create
 * https://docs.lob.com/#section/Errors
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';

export interface SimulatedLetter {
  readonly id: string;
  readonly description: string;
  readonly to: Record<string, string>;
  readonly from: Record<string, string>;
  readonly extraService: string | null;
  readonly bytes: number;
  readonly idempotencyKey: string | null;
}

export interface LetterSimulator {
  readonly app: FastifyInstance;
  readonly apiKey: string;
  /** The letters accepted, in order. */
  readonly letters: SimulatedLetter[];
}

const REQUIRED = ['to[name]', 'to[address_line1]', 'to[address_city]', 'to[address_country]', 'from[name]', 'from[address_line1]', 'from[address_city]', 'from[address_country]'];

function lobError(message: string, status: number, code: string) {
  return { error: { message, status_code: status, code } };
}

function party(form: FormData, prefix: 'to' | 'from'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    const m = new RegExp(`^${prefix}\\[(\\w+)\\]$`).exec(key);
    if (m && typeof value === 'string') out[m[1]!] = value;
  }
  return out;
}

export function createLetterSimulator(apiKey = `test_${randomBytes(8).toString('hex')}`): LetterSimulator {
  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  const letters: SimulatedLetter[] = [];
  const byKey = new Map<string, SimulatedLetter>();
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/v1/letters', async (request, reply) => {
    const auth = request.headers.authorization ?? '';
    const user = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] : null;
    if (user !== apiKey) return reply.status(401).send(lobError('Your API key is not valid. Please sign up on lob.com to get a valid api key.', 401, 'unauthorized'));
    const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null;
    const seen = key ? byKey.get(key) : undefined;
    if (seen) return reply.send({ id: seen.id, object: 'letter', description: seen.description, expected_delivery_date: '2026-01-10' });
    if (!Buffer.isBuffer(request.body)) return reply.status(422).send(lobError('file is required', 422, 'invalid'));
    // The platform's own multipart reader (undici), as a real server would parse the body.
    const form = await new Request('http://sim/v1/letters', { method: 'POST', headers: { 'content-type': request.headers['content-type']! }, body: request.body }).formData();
    for (const field of [...REQUIRED, 'use_type', 'color']) {
      if (!form.get(field)) return reply.status(422).send(lobError(`${field} is required`, 422, 'invalid'));
    }
    const file = form.get('file');
    if (!(file instanceof Blob)) return reply.status(422).send(lobError('file is required', 422, 'invalid'));
    const head = Buffer.from(await file.slice(0, 5).arrayBuffer()).toString('latin1');
    if (head !== '%PDF-') return reply.status(422).send(lobError('file must be a PDF', 422, 'invalid_file'));
    const letter: SimulatedLetter = {
      id: `ltr_${randomBytes(10).toString('hex')}`,
      description: String(form.get('description') ?? ''),
      to: party(form, 'to'),
      from: party(form, 'from'),
      extraService: typeof form.get('extra_service') === 'string' ? (form.get('extra_service') as string) : null,
      bytes: file.size,
      idempotencyKey: key,
    };
    letters.push(letter);
    if (key) byKey.set(key, letter);
    return reply.send({ id: letter.id, object: 'letter', description: letter.description, expected_delivery_date: '2026-01-10' });
  });

  return { app, apiKey, letters };
}
