/**
 * Letters after they leave: the archive of each sent letter's PDF, and the channel set-up that
 * `relance start` and the demo share (the local outbox or a print-and-post provider).
 */
export { archivingLetters, sentDocument, withLetterArchive } from './archive.ts';
export { letterChannelFromSettings, type LetterSettings } from './channel-from-settings.ts';
