/**
 * Letters: the rendered PDF is the deliverable. The channel gives it back for the send job to store
 * with the action (and, when a folder is configured, writes it there for printing or a postal API).
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

export class LetterChannel implements Channel<LetterMessage> {
  readonly kind = 'letter' as const;
  constructor(private readonly config: LetterConfig = {}) {}

  async send(message: LetterMessage): Promise<SendResult> {
    const head = Buffer.from(message.pdf.subarray(0, 5)).toString('latin1');
    if (head !== '%PDF-') throw new InvalidInput('letter: the document is not a PDF', { field: 'pdf' });
    // Derived from the action, so sending the same action twice names (and overwrites) one file.
    const id = `letter-${createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32)}`;
    if (this.config.directory) {
      await mkdir(this.config.directory, { recursive: true });
      await writeFile(path.join(this.config.directory, `${id}.pdf`), message.pdf);
    }
    return { providerMessageId: id, document: message.pdf };
  }

  async close(): Promise<void> {}
}
