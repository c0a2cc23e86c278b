/**
 * Portal link tokens: `v1.<kid>.<payload>.<mac>`, the payload naming a stored token id and an
 * expiry (binary, to keep links short), the MAC an HMAC-SHA256 under a key derived (HKDF) from the key ring's key `kid`. The
 * signature makes a forged or edited link fail before any database read; the stored id makes a
 * link revocable; the kid lets the key ring rotate without breaking links already sent.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '../crypto.ts';

const VERSION = 'v1';
const INFO = 'relance portal link v1';

/** Why a link does not open. The portal shows the same page for each: this is for logs and tests. */
export type TokenProblem = 'malformed' | 'bad_signature' | 'unknown_key' | 'expired' | 'revoked';

export interface TokenClaims {
  tokenId: string;
  expiresAt: Date;
}

function portalKey(ring: KeyRing, kid: string): Buffer | null {
  const material = ring.keys.get(kid);
  if (!material) return null;
  // A key of its own, so that a MAC made here can never be mistaken for anything the ring encrypts.
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), INFO, 32));
}

// 128 bits of HMAC-SHA256 (RFC 2104 §5 allows truncation to half): the whole token must fit in
// Fastify's 100-character route parameter, and in an SMS.
const MAC_BYTES = 16;

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest().subarray(0, MAC_BYTES);
}

/** Payload: the token id's 16 bytes then the expiry in Unix seconds (uint32): 28 base64url characters. */
function encodePayload(claims: TokenClaims): string {
  const buf = Buffer.alloc(20);
  Buffer.from(claims.tokenId.replaceAll('-', ''), 'hex').copy(buf, 0);
  buf.writeUInt32BE(Math.floor(claims.expiresAt.getTime() / 1000), 16);
  return buf.toString('base64url');
}

function decodePayload(payload: string): TokenClaims | null {
  const buf = Buffer.from(payload, 'base64url');
  if (buf.length !== 20) return null;
  const hex = buf.subarray(0, 16).toString('hex');
  const tokenId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { tokenId, expiresAt: new Date(buf.readUInt32BE(16) * 1000) };
}

export function signPortalToken(ring: KeyRing, claims: TokenClaims): string {
  const payload = encodePayload(claims);
  const head = `${VERSION}.${ring.currentId}.${payload}`;
  return `${head}.${mac(portalKey(ring, ring.currentId)!, head).toString('base64url')}`;
}

const TOKEN_SHAPE = /^v1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{27})\.([A-Za-z0-9_-]{22})$/;

function canonical(part: string): boolean {
  return Buffer.from(part, 'base64url').toString('base64url') === part;
}

/** Checks the signature and expiry; the caller still checks the stored row (revocation). */
export function verifyPortalToken(ring: KeyRing, token: string, now: Date = new Date()): { ok: true; claims: TokenClaims } | { ok: false; problem: TokenProblem } {
  // Strict: exactly v1.<kid>.<27 base64url>.<22 base64url>, each part in its one canonical encoding
  // (Buffer.from would skip junk characters and ignore the unused low bits of the last one).
  const m = TOKEN_SHAPE.exec(token);
  if (!m) return { ok: false, problem: 'malformed' };
  const [, kid, payload, signature] = m as unknown as [string, string, string, string];
  if (!canonical(payload) || !canonical(signature)) return { ok: false, problem: 'malformed' };
  const key = portalKey(ring, kid);
  if (!key) return { ok: false, problem: 'unknown_key' };
  const expected = mac(key, `${VERSION}.${kid}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'bad_signature' };
  const claims = decodePayload(payload);
  if (!claims) return { ok: false, problem: 'malformed' };
  if (claims.expiresAt.getTime() <= now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true, claims };
}

/**
 * The CSRF token of the portal's forms: bound to the link's token id, so a page of one link
 * cannot post for another, and nothing needs to be stored.
 */
export function portalFormToken(ring: KeyRing, kid: string, tokenId: string): string {
  const key = portalKey(ring, kid) ?? portalKey(ring, ring.currentId)!;
  return mac(key, `form:${tokenId}`).toString('base64url');
}

export function checkPortalFormToken(ring: KeyRing, kid: string, tokenId: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(portalFormToken(ring, kid, tokenId));
  const sent = Buffer.from(given);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

/** The key id a token was signed with (for its form token). */
export function tokenKeyId(token: string): string {
  return token.split('.')[1] ?? '';
}
