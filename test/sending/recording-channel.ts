/** A real DeliveryChannel that keeps what it is given instead of reaching a provider (until SMTP lands in tests). */
import type { DeliveryChannel, OutgoingMessage } from '../../core/sending/index.ts';

export class RecordingChannel implements DeliveryChannel {
  readonly sent: OutgoingMessage[] = [];
  /** When set, the next sends throw this instead. */
  failWith: Error | null = null;
  delayMs = 0;

  async send(message: OutgoingMessage): Promise<{ providerMessageId: string }> {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
    return { providerMessageId: `<${message.idempotencyKey}@test>` };
  }
}
