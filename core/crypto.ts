/**
 * Encryption at rest of OAuth tokens and other secrets: AES-256-GCM with a key id in every
 * ciphertext, so that keys rotate without re-encrypting everything at once. The key ring's first
 * key encrypts; every key in it decrypts.
 *
 * Key specification (RELANCE_SECRET_KEY): `kid:KEY[,kid:KEY…]`, KEY being 32 bytes in base64 or
 * hex; the first entry is the current key. A bare KEY gets a key id derived from its hash.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, InvalidInput } from './errors.ts';

const VERSION = 'v1';
const IV_BYTES = 12;

export interface KeyRing {
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

function decodeKey(text: string, kid: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(`RELANCE_SECRET_KEY: key "${kid}" must be 32 bytes (base64 or 64 hex digits)`, {
      field: 'RELANCE_SECRET_KEY',
    });
  }
  return key;
}

/** Parses a key specification into a ring; the first key is the one that encrypts. */
export function parseKeyRing(spec: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let currentId = '';
  for (const entry of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : null;
    const material = colon > 0 ? entry.slice(colon + 1) : entry;
    if (kid !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) {
      throw new ConfigError(`RELANCE_SECRET_KEY: key id "${kid}" must be 1–32 letters, digits, - or _`, {
        field: 'RELANCE_SECRET_KEY',
      });
    }
    const id = kid ?? createHash('sha256').update(material).digest('hex').slice(0, 8);
    if (keys.has(id)) {
      throw new ConfigError(`RELANCE_SECRET_KEY: key id "${id}" appears twice`, { field: 'RELANCE_SECRET_KEY' });
    }
    keys.set(id, decodeKey(material, id));
    if (!currentId) currentId = id;
  }
  if (!currentId) throw new ConfigError('RELANCE_SECRET_KEY: no key given', { field: 'RELANCE_SECRET_KEY' });
  return { currentId, keys };
}

/** A new key specification with one random key (what `relance` writes for the embedded mode). */
export function generateKeySpec(): string {
  const kid = 'k' + new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

/**
 * The key ring for this process: RELANCE_SECRET_KEY when set; in production, none is an error;
 * otherwise a key kept in the data directory (created with 0600 permissions on first use).
 */
export function resolveKeyRing(opts: { secretKey: string | null; env: string; dataDir: string }): KeyRing {
  if (opts.secretKey) return parseKeyRing(opts.secretKey);
  if (opts.env === 'production') {
    throw new ConfigError('RELANCE_SECRET_KEY is required when NODE_ENV=production (it encrypts OAuth tokens)', {
      field: 'RELANCE_SECRET_KEY',
    });
  }
  const file = path.join(opts.dataDir, 'secret.key');
  let spec: string;
  try {
    spec = readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    spec = generateKeySpec();
    try {
      // 'wx': if another process created it meanwhile, keep theirs.
      writeFileSync(file, spec + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      spec = readFileSync(file, 'utf8').trim();
    }
  }
  chmodSync(file, 0o600);
  return parseKeyRing(spec);
}

/**
 * Encrypts a secret. `context` (e.g. "connection:42") is bound as associated data: a ciphertext
 * copied onto another row does not decrypt there.
 */
export function encryptSecret(ring: KeyRing, plaintext: string, context: string): string {
  const key = ring.keys.get(ring.currentId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.currentId, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join(
    '.',
  );
}

/** The key id a ciphertext was made with (to find rows still under an old key). */
export function keyIdOf(ciphertext: string): string {
  return ciphertext.split('.')[1] ?? '';
}

export function decryptSecret(ring: KeyRing, ciphertext: string, context: string): string {
  const parts = ciphertext.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new InvalidInput('not a Relance ciphertext');
  const [, kid, iv, tag, body] = parts as [string, string, string, string, string];
  const key = ring.keys.get(kid);
  if (!key) throw new ConfigError(`secret was encrypted with key "${kid}", which RELANCE_SECRET_KEY no longer holds`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new InvalidInput(`secret does not decrypt for ${context} (tampered, or moved from another record)`);
  }
}

/** Re-encrypts under the current key; returns the input unchanged when it already is. */
export function reencryptSecret(ring: KeyRing, ciphertext: string, context: string): string {
  if (keyIdOf(ciphertext) === ring.currentId) return ciphertext;
  return encryptSecret(ring, decryptSecret(ring, ciphertext, context), context);
}
