/**
 * What imapflow throws, mapped to core/errors.ts: a refused login is AuthExpired (the mailbox's
 * password or app password must be changed), an unreachable host or a timeout is Transient,
 * anything the server refuses otherwise is a ConfigError (wrong folder, no IMAP on that port).
 */
import { AuthExpired, ConfigError, Transient, isRelanceError, type RelanceError } from '../errors.ts';

interface ImapFailure {
  authenticationFailed?: boolean;
  code?: string;
  responseText?: string;
  serverResponseCode?: string;
  message?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'NoConnection', 'ClosedAfterConnectText']);

/** Classifies one failure of the mailbox. */
export function classifyImapError(e: unknown, host: string): RelanceError {
  if (isRelanceError(e)) return e;
  const f = (e ?? {}) as ImapFailure;
  const text = f.responseText || f.message || String(e);
  if (f.authenticationFailed || f.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new AuthExpired(`mailbox ${host}: login refused (${text})`, { field: 'password' }, { cause: e });
  }
  if ((f.code && NETWORK_CODES.has(f.code)) || /timeout|timed out/i.test(text)) {
    return new Transient(`mailbox ${host}: unreachable (${f.code ?? text})`, { field: 'host', networkCode: f.code ?? null }, { cause: e });
  }
  if (f.serverResponseCode === 'NONEXISTENT') return new ConfigError(`mailbox ${host}: folder not found (${text})`, { field: 'folder' }, { cause: e });
  return new ConfigError(`mailbox ${host}: ${text}`, { field: 'host' }, { cause: e });
}

/** The mailbox's status after a failure: what the connection card shows. */
export function statusOf(e: RelanceError): 'auth_failed' | 'unreachable' | 'error' {
  if (e instanceof AuthExpired) return 'auth_failed';
  if (e instanceof Transient) return 'unreachable';
  return 'error';
}
