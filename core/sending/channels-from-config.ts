/**
 * The channels `relance start` sends through, from the settings: SMTP when RELANCE_SMTP_URL is
 * set, SMS when RELANCE_SMS_* are, letters always (PDFs under the data directory, to print and
 * post). An absent channel stays absent: its steps fail with "no … channel configured".
 */
import type { Config } from '../config.ts';
import { SmtpChannel, TwilioSmsChannel } from '../channels/index.ts';
import { letterChannelFromSettings } from '../letters/channel-from-settings.ts';
import type { SendChannels } from './types.ts';

export interface OpenedChannels {
  readonly channels: SendChannels;
  /** Names of the configured channels, for the start-up log. */
  readonly configured: readonly string[];
  close(): Promise<void>;
}

/** The names of the channels `channelsFromConfig` builds, without building them (the API's scenario check). */
export function configuredChannelNames(config: Pick<Config, 'mail' | 'sms'>): string[] {
  return [...(config.mail ? ['email'] : []), ...(config.sms ? ['sms'] : []), 'letter'];
}

/** Builds the configured channels; validation errors name the setting. */
export function channelsFromConfig(config: Pick<Config, 'mail' | 'sms' | 'dataDir'> & Partial<Pick<Config, 'letters'>>): OpenedChannels {
  const m = config.mail;
  const email = m
    ? new SmtpChannel({
        host: m.host, port: m.port, secure: m.secure,
        ...(m.user !== null && { user: m.user }), ...(m.password !== null && { password: m.password }),
        from: m.from,
      })
    : undefined;
  const s = config.sms;
  const sms = s
    ? new TwilioSmsChannel({
        accountSid: s.accountSid, authToken: s.authToken,
        ...(s.baseUrl !== null && { baseUrl: s.baseUrl }), ...(s.from !== null && { from: s.from }),
        ...(s.messagingServiceSid !== null && { messagingServiceSid: s.messagingServiceSid }),
      })
    : undefined;
  const letter = letterChannelFromSettings(config.letters ?? null, config.dataDir);
  const channels: SendChannels = { ...(email && { email }), ...(sms && { sms }), letter };
  return {
    channels,
    configured: Object.keys(channels),
    async close() {
      await Promise.all([email?.close(), sms?.close(), letter.close()]);
    },
  };
}
