/**
 * Password hashing with scrypt (memory-hard, in node:crypto: no native add-on to build).
 * The stored form carries its own cost parameters, so raising them later only needs a re-hash at
 * the next successful login (`needsRehash`), never a migration.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory used is 128 × N × r bytes. */
  N: number;
  r: number;
  p: number;
}

/**
 * 2^15 × 8 × 128 = 32 MiB per hash, about 0.2–0.5 s on the small shared machines Relance targets.
 * OWASP's floor for scrypt is N=2^17 (128 MiB) at p=1, or the same work spread over p: we keep
 * memory at 32 MiB so that a few concurrent logins cannot exhaust a small server, and take p=2 for
 * time. See https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 2 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
// A stored hash is trusted only this far: a tampered row must not make us allocate gigabytes.
const MAX_N = 2 ** 20;
const MAX_MEMORY = 256 * 1024 * 1024;

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password into `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const valid = [N, r, p].every((v) => Number.isInteger(v) && v > 0) && N <= MAX_N && (N & (N - 1)) === 0 && r <= 32 && p <= 16;
  if (!valid) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}

/** A hash of a random password, compared against when the account does not exist: same time either way. */
let decoy: Promise<string> | null = null;

/**
 * Checks a password against a stored hash (or against a decoy when `stored` is null, so that an
 * unknown email costs the same time as a wrong password). Compares in constant time.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  const parsed = parseHash(stored ?? (await decoy));
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  const same = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  return same && stored !== null;
}

/** True when the stored hash was made with weaker parameters than `target` (re-hash after login). */
export function needsRehash(stored: string, target: ScryptParams = DEFAULT_SCRYPT): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return parsed.params.N < target.N || parsed.params.r < target.r || parsed.params.p < target.p;
}

/** Refuses passwords too short to resist guessing, or too long to hash cheaply. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

/** A random password for `relance user add` when none is given: 20 base64url characters (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}
