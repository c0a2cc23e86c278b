/**
 * Channels: email over SMTP, SMS through a Twilio-shaped API, letters as PDF documents. Each
 * implements `Channel.send(message) → { providerMessageId }` and throws classified errors:
 * `Transient`/`RateLimited` (retry with `decideSendRetry`), `DeliveryRejected` (permanent; a hard
 * bounce when the address is bad), `ConfigError` (credentials).
 */
export type { Address, Channel, EmailMessage, LetterMessage, LetterParty, MessageChannelKind, OutboundMessage, SendResult, SmsMessage } from './types.ts';
export { DeliveryRejected, isHardBounce } from './errors.ts';
export { SmtpChannel, smtpConfigSchema, messageIdFor, classifySmtpError, type SmtpConfig } from './smtp-channel.ts';
export { TwilioSmsChannel, smsConfigSchema, classifySmsFailure, type SmsConfig } from './sms-channel.ts';
export { LetterChannel, assertPdf, letterDocumentId, type LetterConfig } from './letter-channel.ts';
export { LobLetterChannel, classifyLobFailure, lobConfigSchema, type LobConfig } from './letter-provider-lob.ts';
export { decideSendRetry, SEND_BACKOFF, SEND_MAX_ATTEMPTS, type SendFailureOutcome } from './retry-policy.ts';
export { chooseRecipient, type RecipientChoice, type RecipientContact, type RecipientQuery } from './recipient-fallback.ts';
