/**
 * Letters go through one interface, `Channel<LetterMessage>`, with two implementations: the local
 * outbox here, which writes each letter's PDF under the data directory for the organization to
 * print and post (and keeps the document with the action), and a print-and-post provider over its
 * HTTP API (letter-provider-lob.ts). Which one `relance start` uses is a setting
 * (RELANCE_LETTER_PROVIDER); both answer the same `SendResult`, the document included.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInput } from '../errors.ts';
import type { Channel, LetterMessage, SendResult } from './types.ts';

export interface LetterConfig {
  /** Where to write `<document id>.pdf`; nothing is written when absent. */
  readonly directory?: string | null;
}

/** Refuses anything that is not a PDF before it reaches a printer. */
export function assertPdf(pdf: Uint8Array): void {
  const head = Buffer.from(pdf.subarray(0, 5)).toString('latin1');
  if (head !== '%PDF-') throw new InvalidInput('letter: the document is not a PDF', { field: 'pdf' });
}

/** The document id of an action's letter: derived from its key, so a resend names (and overwrites) one file. */
export function letterDocumentId(idempotencyKey: string): string {
  return `letter-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`;
}

/** The local outbox: the PDF in a folder, to print and post. */
export class LetterChannel implements Channel<LetterMessage> {
  readonly kind = 'letter' as const;
  constructor(private readonly config: LetterConfig = {}) {}

  /** The folder letters are written to, or null. */
  get directory(): string | null {
    return this.config.directory ?? null;
  }

  async send(message: LetterMessage): Promise<SendResult> {
    assertPdf(message.pdf);
    const id = letterDocumentId(message.idempotencyKey);
    if (this.config.directory) {
      await mkdir(this.config.directory, { recursive: true });
      await writeFile(path.join(this.config.directory, `${id}.pdf`), message.pdf);
    }
    return { providerMessageId: id, document: message.pdf };
  }

  async close(): Promise<void> {}
}
