/**
 * Random bearer secrets (session tokens, API keys) and their stored form. They carry 256 bits of
 * entropy, so a plain SHA-256 is enough to store them: nothing to brute-force, and the lookup stays
 * an index probe (a slow hash would make every request pay for it).
 */
import { createHash, randomBytes } from 'node:crypto';

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
