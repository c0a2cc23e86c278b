/** The worker's outgoing pass (`inbox.deliver`): queued answers, mention emails, then Slack/Teams. */
import type { Channel, EmailMessage } from '../channels/index.ts';
import type { KeyRing } from '../crypto.ts';
import type { Db } from '../store/db.ts';
import { deliverQueuedAnswers } from './answer.ts';
import { emailNotifications } from './comments.ts';
import { collectEvents, dispatchDeliveries, organizationsWithChannels } from './webhooks.ts';

export async function runInboxDeliveries(db: Db, deps: { keys: KeyRing; email?: Channel<EmailMessage>; publicUrl?: string | null }): Promise<Record<string, number>> {
  const answers = await deliverQueuedAnswers(db, deps.email);
  const mentions = await emailNotifications(db, deps.email, deps.publicUrl ?? null);
  let events = 0;
  for (const org of await organizationsWithChannels(db)) events += await collectEvents(db, org);
  const posts = await dispatchDeliveries(db, deps.keys);
  return { answersSent: answers.sent, answersFailed: answers.failed, mentionsEmailed: mentions.sent, events, posted: posts.sent, postFailed: posts.failed };
}
