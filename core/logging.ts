/**
 * Logging with winston: JSON lines when not on a terminal, readable lines on one. Every line goes
 * to stderr so that commands keep stdout for their JSON. Secrets never reach a log line: values
 * under secret-looking keys are replaced, and bearer tokens or credentials in text are masked.
 */
import winston from 'winston';

const SECRET_KEY = /(token|secret|password|passwd|authorization|cookie|api[-_]?key|signature|iban|card[-_]?number|client[-_]?secret|private[-_]?key)/i;
// The bound values of a failed query (drizzle's DrizzleQueryError.params, pg's error detail) may be anyone's data.
const VALUE_KEY = /^(params|parameters|detail)$/;
const REDACTED = '[redacted]';

const TEXT_PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]'],
  // user:password@ in URLs (postgres://user:pw@host)
  [/(\/\/[^:/\s@]+:)[^@\s/]+@/g, '$1[redacted]@'],
  [/\b((?:access|refresh|id)_token|client_secret|password|code|state)=([^&\s"]+)/gi, '$1=[redacted]'],
  // A portal link's token (core/portal/token.ts: v1.<kid>.<27-char payload>.<22-char MAC>), in a URL path or anywhere.
  [/(\/portal\/)[^/?#\s"']+/g, '$1[redacted]'],
  [/(?<![A-Za-z0-9_-])v1\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{27}\.[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])/g, '[redacted]'],
  // Drizzle's "Failed query: … params: v1,v2" (and its stack): the statement stays, the values go.
  [/(\bparams: )[\s\S]*?(?=\n\s+at |$)/g, '$1[redacted]'],
];

/** A request URL fit for a log line: portal tokens and credential parameters masked. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Masks credentials inside free text. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` with secret-looking fields replaced; handles cycles and errors. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, seen));
  const source =
    value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack } : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) {
    out[key] = (SECRET_KEY.test(key) || VALUE_KEY.test(key)) && v !== null && v !== undefined ? REDACTED : redact(v, seen);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    const value = info[key];
    info[key] = SECRET_KEY.test(key) && value != null ? REDACTED : redact(value);
  }
  return info;
});

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  format?: 'auto' | 'json' | 'pretty';
  /** Where lines go; default stderr. Tests pass a stream to read them back. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const pretty =
    options.format === 'pretty' ||
    ((options.format ?? 'auto') === 'auto' && Boolean((stream as NodeJS.WriteStream).isTTY));
  const shape = pretty
    ? winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss' }),
        winston.format.colorize(),
        winston.format.printf(({ level, message, timestamp, ...meta }) => {
          const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
          return `${timestamp} ${level} ${message}${rest}`;
        }),
      )
    : winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(winston.format.errors({ stack: true }), redactFormat(), shape),
    transports: [new winston.transports.Stream({ stream })],
  });
}
