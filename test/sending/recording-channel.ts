/** A channel that keeps what it is given instead of reaching a provider: for tests about something else than delivery (letters, SMS fallback). */
import type { Channel, OutboundMessage, SendResult } from '../../core/channels/index.ts';

export class RecordingChannel<M extends OutboundMessage> implements Channel<M> {
  readonly sent: M[] = [];
  constructor(readonly kind: M['channel']) {}

  async send(message: M): Promise<SendResult> {
    this.sent.push(message);
    return { providerMessageId: `<${message.idempotencyKey}@test>` };
  }

  async close(): Promise<void> {}
}
