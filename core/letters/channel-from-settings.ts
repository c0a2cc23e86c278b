import path from 'node:path';
import { LetterChannel, LobLetterChannel, type Channel, type LetterMessage } from '../channels/index.ts';

/** RELANCE_LETTER_PROVIDER and its provider's settings. */
export interface LetterSettings {
  /** "outbox" (default): PDFs under `<data dir>/letters`; "lob": printed and posted by Lob. */
  readonly provider: 'outbox' | 'lob';
  readonly lobApiKey: string | null;
  readonly lobBaseUrl: string | null;
  readonly lobExtraService: 'certified' | 'certified_return_receipt' | 'registered' | null;
}

/** The letter channel the settings ask for; the outbox folder is under the data directory. */
export function letterChannelFromSettings(settings: LetterSettings | null, dataDir: string): Channel<LetterMessage> {
  if (settings?.provider === 'lob') {
    return new LobLetterChannel({
      apiKey: settings.lobApiKey ?? '',
      ...(settings.lobBaseUrl !== null && { baseUrl: settings.lobBaseUrl }),
      extraService: settings.lobExtraService,
    });
  }
  return new LetterChannel({ directory: path.join(dataDir, 'letters') });
}
