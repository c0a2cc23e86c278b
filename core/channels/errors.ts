/**
 * A message the receiving side refused for good. `hardBounce` means the address itself is bad
 * (no such mailbox, not a mobile number, opted out): the send job marks the contact's address
 * invalid and the next step falls back to another contact or channel. Without it, the message
 * was refused (content, policy) and the address may still be fine.
 */
import { RelanceError, type ErrorDetails } from '../errors.ts';

export class DeliveryRejected extends RelanceError {
  readonly code = 'delivery_rejected';
  readonly category = 'validation';
  readonly retryable = false;
  constructor(
    message: string,
    readonly hardBounce: boolean,
    readonly address: string | null,
    details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, { ...details, hardBounce, address }, options);
  }
}

export function isHardBounce(e: unknown): e is DeliveryRejected {
  return e instanceof DeliveryRejected && e.hardBounce;
}
