/**
 * Settings, from the environment and an optional JSON file (`RELANCE_CONFIG`), validated with zod.
 * Every wrong or missing setting is reported at once, one line each, naming the variable.
 * The environment wins over the file.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import type { LetterSettings } from './letters/channel-from-settings.ts';

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'expected a postgres:// or postgresql:// URL');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(0, 'expected a port from 0 to 65535')
  .max(65535, 'expected a port from 0 to 65535');

/** `smtp://[user[:password]@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS from the start, port 465). */
const smtpUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'smtp:' || u.protocol === 'smtps:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected smtp://[user:password@]host[:port] or smtps://…');

/** `relances@example.com` or `Atelier Dupont <relances@example.com>`. */
const mailbox = z
  .string()
  .transform((v) => {
    const m = /^\s*(?:"?([^"<]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(v);
    return { name: m?.[1]?.trim() || null, address: (m?.[2] ?? m?.[3] ?? '').trim() };
  })
  .refine((v) => z.email().safeParse(v.address).success, 'expected an address, or a name and <address>');

/** The providers an installation may hold an OAuth app for, with the prefix of their settings. */
export const PROVIDER_APP_PREFIXES = { quickbooks: 'QUICKBOOKS', xero: 'XERO', hubspot: 'HUBSPOT' } as const;
export type ProviderAppName = keyof typeof PROVIDER_APP_PREFIXES;
type Prefix = (typeof PROVIDER_APP_PREFIXES)[ProviderAppName];
type AppText = `RELANCE_${Prefix}_${'CLIENT_ID' | 'CLIENT_SECRET' | 'WEBHOOK_KEY'}`;
type AppUrl = `RELANCE_${Prefix}_${'AUTHORIZE_URL' | 'TOKEN_URL' | 'API_URL'}`;
const absoluteUrl = z.url({ error: 'expected an absolute URL' });

/** `RELANCE_<PROVIDER>_*`: the OAuth app of each provider (client id and secret, URL overrides, webhook key). */
function providerAppSettings(): { [K in AppText]: z.ZodOptional<z.ZodString> } & { [K in AppUrl]: z.ZodOptional<typeof absoluteUrl> } {
  const entries = Object.values(PROVIDER_APP_PREFIXES).flatMap((p) => [
    [`RELANCE_${p}_CLIENT_ID`, z.string().min(1).optional()],
    [`RELANCE_${p}_CLIENT_SECRET`, z.string().min(1).optional()],
    [`RELANCE_${p}_AUTHORIZE_URL`, absoluteUrl.optional()],
    [`RELANCE_${p}_TOKEN_URL`, absoluteUrl.optional()],
    [`RELANCE_${p}_API_URL`, absoluteUrl.optional()],
    [`RELANCE_${p}_WEBHOOK_KEY`, z.string().min(1).optional()],
  ]);
  return Object.fromEntries(entries) as ReturnType<typeof providerAppSettings>;
}

const settingsSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl.optional(),
  RELANCE_DATA_DIR: z.string().min(1).default('.relance'),
  RELANCE_SECRET_KEY: z.string().min(1).optional(),
  RELANCE_HOST: z.string().min(1).default('127.0.0.1'),
  RELANCE_PORT: port.default(3000),
  RELANCE_PUBLIC_URL: z.url({ error: 'expected an absolute URL' }).optional(),
  RELANCE_LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  RELANCE_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  RELANCE_WORKER_CONCURRENCY: z.coerce
    .number({ error: 'expected a number' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(100, 'expected at most 100')
    .default(5),
  RELANCE_JOBS: z.enum(['on', 'off']).default('on'),
  RELANCE_SMTP_URL: smtpUrl.optional(),
  RELANCE_MAIL_FROM: mailbox.optional(),
  RELANCE_SMS_BASE_URL: z.url({ error: 'expected an absolute URL' }).optional(),
  RELANCE_SMS_ACCOUNT_SID: z.string().min(1).optional(),
  RELANCE_SMS_AUTH_TOKEN: z.string().min(1).optional(),
  RELANCE_SMS_FROM: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected an E.164 number like +33612345678').optional(),
  RELANCE_SMS_MESSAGING_SERVICE_SID: z.string().min(1).optional(),
  // Letters: the local outbox (PDFs under the data directory) or a print-and-post provider.
  RELANCE_LETTER_PROVIDER: z.enum(['outbox', 'lob'], { error: 'expected outbox or lob' }).default('outbox'),
  RELANCE_LOB_API_KEY: z.string().min(1).optional(),
  RELANCE_LOB_BASE_URL: z.url({ error: 'expected an absolute URL' }).optional(),
  RELANCE_LOB_EXTRA_SERVICE: z.enum(['certified', 'certified_return_receipt', 'registered'], { error: 'expected certified, certified_return_receipt or registered' }).optional(),
  ...providerAppSettings(),
  ...securitySettings(),
});

export type Settings = z.infer<typeof settingsSchema>;

export interface Config {
  env: Settings['NODE_ENV'];
  /** Null: the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** The raw key specification; see `core/crypto.ts` for its format. */
  secretKey: string | null;
  host: string;
  port: number;
  publicUrl: string | null;
  log: { level: Settings['RELANCE_LOG_LEVEL']; format: Settings['RELANCE_LOG_FORMAT'] };
  worker: { enabled: boolean; concurrency: number };
  /** Email: null when RELANCE_SMTP_URL is unset (email steps then fail with "no email channel configured"). */
  mail: MailConfig | null;
  /** SMS through a Twilio-shaped API: null when RELANCE_SMS_ACCOUNT_SID is unset. */
  sms: SmsSettings | null;
  /** The OAuth app of each provider whose client id is set; the others cannot be connected from the console. */
  providerApps: Partial<Record<ProviderAppName, ProviderAppSettings>>;
  /** RELANCE_TRUSTED_PROXIES: the proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty: none. */
  trustedProxies: string[];
  /** RELANCE_PROMISE_HORIZON_DAYS: how far ahead the portal accepts a promise date. */
  promiseHorizonDays: number;
  /** Letters: the local outbox (default) or Lob (RELANCE_LETTER_PROVIDER=lob with RELANCE_LOB_API_KEY). */
  letters: LetterSettings;
}

/** One provider's OAuth app; a null URL means the provider's own (connectors/<provider>/profile.ts). */
export interface ProviderAppSettings {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string | null;
  tokenUrl: string | null;
  apiUrl: string | null;
  webhookKey: string | null;
}

export interface MailConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  from: { address: string; name: string | null };
}

export interface SmsSettings {
  baseUrl: string | null;
  accountSid: string;
  authToken: string;
  from: string | null;
  messagingServiceSid: string | null;
}

const KEYS = Object.keys(settingsSchema.shape) as (keyof Settings)[];

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`RELANCE_CONFIG: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      field: 'RELANCE_CONFIG',
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`RELANCE_CONFIG: ${file} is not valid JSON: ${(e as Error).message}`, {
      field: 'RELANCE_CONFIG',
    });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`RELANCE_CONFIG: ${file} must hold a JSON object of settings`, { field: 'RELANCE_CONFIG' });
  }
  const unknown = Object.keys(parsed).filter((k) => !(KEYS as string[]).includes(k));
  if (unknown.length) {
    throw new ConfigError(`RELANCE_CONFIG: ${file}: unknown setting ${unknown.join(', ')}`, { field: unknown[0] });
  }
  return parsed as Record<string, unknown>;
}

/** Reads and validates the settings; throws one ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fromFile = env.RELANCE_CONFIG ? readConfigFile(path.resolve(cwd, env.RELANCE_CONFIG)) : {};
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of KEYS) {
    const value = env[key];
    // An empty variable is the same as an unset one (`DATABASE_URL= relance start`).
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'settings');
      const given = input[key];
      const shown = given === undefined || /KEY|SECRET|URL|TOKEN/.test(key) ? '' : ` (got "${String(given)}")`;
      return `${key}: ${issue.message}${shown}`;
    });
    throw new ConfigError(lines.join('\n'), { field: String(parsed.error.issues[0]?.path[0] ?? '') });
  }
  const s = parsed.data;
  const missing = missingTogether(s);
  if (missing.length) throw new ConfigError(missing.join('\n'), { field: missing[0]!.split(':')[0] });
  return {
    env: s.NODE_ENV,
    databaseUrl: s.DATABASE_URL ?? null,
    dataDir: path.resolve(cwd, s.RELANCE_DATA_DIR),
    secretKey: s.RELANCE_SECRET_KEY ?? null,
    host: s.RELANCE_HOST,
    port: s.RELANCE_PORT,
    publicUrl: s.RELANCE_PUBLIC_URL ?? null,
    log: { level: s.RELANCE_LOG_LEVEL, format: s.RELANCE_LOG_FORMAT },
    worker: { enabled: s.RELANCE_JOBS === 'on', concurrency: s.RELANCE_WORKER_CONCURRENCY },
    mail: s.RELANCE_SMTP_URL && s.RELANCE_MAIL_FROM ? mailConfig(s.RELANCE_SMTP_URL, s.RELANCE_MAIL_FROM) : null,
    sms: s.RELANCE_SMS_ACCOUNT_SID && s.RELANCE_SMS_AUTH_TOKEN
      ? {
          baseUrl: s.RELANCE_SMS_BASE_URL ?? null, accountSid: s.RELANCE_SMS_ACCOUNT_SID, authToken: s.RELANCE_SMS_AUTH_TOKEN,
          from: s.RELANCE_SMS_FROM ?? null, messagingServiceSid: s.RELANCE_SMS_MESSAGING_SERVICE_SID ?? null,
        }
      : null,
    providerApps: providerApps(s),
    trustedProxies: s.RELANCE_TRUSTED_PROXIES,
    promiseHorizonDays: s.RELANCE_PROMISE_HORIZON_DAYS,
    letters: {
      provider: s.RELANCE_LETTER_PROVIDER, lobApiKey: s.RELANCE_LOB_API_KEY ?? null,
      lobBaseUrl: s.RELANCE_LOB_BASE_URL ?? null, lobExtraService: s.RELANCE_LOB_EXTRA_SERVICE ?? null,
    },
  };
}

function providerApps(s: Settings): Config['providerApps'] {
  const apps: Config['providerApps'] = {};
  for (const [provider, p] of Object.entries(PROVIDER_APP_PREFIXES) as [ProviderAppName, Prefix][]) {
    const clientId = s[`RELANCE_${p}_CLIENT_ID`];
    const clientSecret = s[`RELANCE_${p}_CLIENT_SECRET`];
    if (!clientId || !clientSecret) continue;
    apps[provider] = {
      clientId, clientSecret,
      authorizeUrl: s[`RELANCE_${p}_AUTHORIZE_URL`] ?? null, tokenUrl: s[`RELANCE_${p}_TOKEN_URL`] ?? null,
      apiUrl: s[`RELANCE_${p}_API_URL`] ?? null, webhookKey: s[`RELANCE_${p}_WEBHOOK_KEY`] ?? null,
    };
  }
  return apps;
}

/** Settings that only make sense together: one line per missing partner. */
function missingTogether(s: Settings): string[] {
  const lines: string[] = [];
  if (s.RELANCE_SMTP_URL && !s.RELANCE_MAIL_FROM) lines.push('RELANCE_MAIL_FROM: required with RELANCE_SMTP_URL (the sender of reminders)');
  const sms = s.RELANCE_SMS_ACCOUNT_SID || s.RELANCE_SMS_AUTH_TOKEN || s.RELANCE_SMS_FROM || s.RELANCE_SMS_MESSAGING_SERVICE_SID;
  if (sms) {
    if (!s.RELANCE_SMS_ACCOUNT_SID) lines.push('RELANCE_SMS_ACCOUNT_SID: required with the other RELANCE_SMS_* settings');
    if (!s.RELANCE_SMS_AUTH_TOKEN) lines.push('RELANCE_SMS_AUTH_TOKEN: required with RELANCE_SMS_ACCOUNT_SID');
    if (!s.RELANCE_SMS_FROM && !s.RELANCE_SMS_MESSAGING_SERVICE_SID) {
      lines.push('RELANCE_SMS_FROM: required (or RELANCE_SMS_MESSAGING_SERVICE_SID) with RELANCE_SMS_ACCOUNT_SID');
    }
  }
  for (const p of Object.values(PROVIDER_APP_PREFIXES)) {
    const others = (['AUTHORIZE_URL', 'TOKEN_URL', 'API_URL', 'WEBHOOK_KEY'] as const).filter((k) => s[`RELANCE_${p}_${k}`]);
    const id = s[`RELANCE_${p}_CLIENT_ID`];
    const secret = s[`RELANCE_${p}_CLIENT_SECRET`];
    if (!id && (secret || others.length)) lines.push(`RELANCE_${p}_CLIENT_ID: required with RELANCE_${p}_${secret ? 'CLIENT_SECRET' : others[0]}`);
    if (id && !secret) lines.push(`RELANCE_${p}_CLIENT_SECRET: required with RELANCE_${p}_CLIENT_ID`);
  }
  if (s.RELANCE_LETTER_PROVIDER === 'lob' && !s.RELANCE_LOB_API_KEY) lines.push('RELANCE_LOB_API_KEY: required with RELANCE_LETTER_PROVIDER=lob');
  return lines;
}

function mailConfig(url: string, from: { address: string; name: string | null }): MailConfig {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    user: u.username ? decodeURIComponent(u.username) : null,
    password: u.password ? decodeURIComponent(u.password) : null,
    from,
  };
}

/** The settings table of the README, kept next to the schema it documents. */
export const SETTINGS_HELP: Record<keyof Settings, string> = {
  NODE_ENV: '`production` refuses to start without RELANCE_SECRET_KEY',
  DATABASE_URL: 'PostgreSQL URL; unset: embedded PGlite under RELANCE_DATA_DIR',
  RELANCE_DATA_DIR: 'where the embedded database and its generated key live (default `.relance`)',
  RELANCE_SECRET_KEY: 'key(s) encrypting OAuth tokens at rest: `kid:base64-32-bytes[,older…]`',
  RELANCE_HOST: 'address the server listens on (default 127.0.0.1)',
  RELANCE_PORT: 'port of the server (default 3000)',
  RELANCE_PUBLIC_URL: 'the URL users and providers reach the server at (OAuth callbacks, portal links)',
  RELANCE_LOG_LEVEL: 'error, warn, info (default) or debug',
  RELANCE_LOG_FORMAT: 'auto (JSON unless on a terminal), json or pretty',
  RELANCE_WORKER_CONCURRENCY: 'jobs one worker runs at once (default 5)',
  RELANCE_JOBS: '`off` runs the server without the job worker',
  RELANCE_SMTP_URL: 'SMTP server for reminders: `smtp://user:password@host:587` (STARTTLS) or `smtps://…:465`; unset: email steps fail with "no email channel configured"',
  RELANCE_MAIL_FROM: 'sender of reminders, `relances@example.com` or `Atelier Dupont <relances@example.com>`; required with RELANCE_SMTP_URL',
  RELANCE_SMS_BASE_URL: 'Twilio-compatible API base (default `https://api.twilio.com`)',
  RELANCE_SMS_ACCOUNT_SID: 'SMS account SID; unset: no SMS channel',
  RELANCE_SMS_AUTH_TOKEN: 'SMS auth token (never logged)',
  RELANCE_SMS_FROM: 'sending number in E.164 (`+33612345678`)',
  RELANCE_SMS_MESSAGING_SERVICE_SID: 'or a messaging service instead of RELANCE_SMS_FROM',
  RELANCE_LETTER_PROVIDER: '`outbox` (default: letter PDFs written under `<data dir>/letters` to print and post) or `lob` (printed and posted by Lob)',
  RELANCE_LOB_API_KEY: 'Lob API key (never logged); required with RELANCE_LETTER_PROVIDER=lob',
  RELANCE_LOB_BASE_URL: 'Lob API base (default `https://api.lob.com`)',
  RELANCE_LOB_EXTRA_SERVICE: '`certified`, `certified_return_receipt` or `registered` mail for Lob letters; unset: ordinary mail',
  ...providerAppHelp('QUICKBOOKS', 'QuickBooks Online', 'https://appcenter.intuit.com/connect/oauth2', 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer', 'https://quickbooks.api.intuit.com'),
  ...providerAppHelp('XERO', 'Xero', 'https://login.xero.com/identity/connect/authorize', 'https://identity.xero.com/connect/token', 'https://api.xero.com/api.xro/2.0'),
  ...providerAppHelp('HUBSPOT', 'HubSpot', 'https://app.hubspot.com/oauth/authorize', 'https://api.hubapi.com/oauth/v1/token', 'https://api.hubapi.com'),
  RELANCE_TRUSTED_PROXIES: 'reverse proxies whose `X-Forwarded-For` gives the client address (comma-separated addresses or CIDRs, e.g. `127.0.0.1,10.0.0.0/8`); unset: the socket peer is the client',
  RELANCE_PROMISE_HORIZON_DAYS: 'how many days ahead a customer may promise to pay on the portal (default 90)',
};

/** Security settings (docs/security.md): the trusted reverse proxies and the portal's promise horizon. */
function securitySettings() {
  const proxy = (v: string) => {
    const [address, bits, extra] = v.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  };
  return {
    RELANCE_TRUSTED_PROXIES: z
      .string()
      .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
      .refine((list) => list.every(proxy), 'expected comma-separated IP addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8')
      .default([]),
    RELANCE_PROMISE_HORIZON_DAYS: z.coerce
      .number({ error: 'expected a number of days' })
      .int('expected a whole number of days')
      .min(1, 'expected at least 1 day')
      .max(3650, 'expected at most 3650 days')
      .default(90),
  };
}

function providerAppHelp(p: Prefix, name: string, authorize: string, token: string, api: string): Record<AppText | AppUrl, string> {
  return {
    [`RELANCE_${p}_CLIENT_ID`]: `client id of your ${name} app; unset: ${name} cannot be connected from the console`,
    [`RELANCE_${p}_CLIENT_SECRET`]: `client secret of your ${name} app (never logged); required with the client id`,
    [`RELANCE_${p}_AUTHORIZE_URL`]: `the consent page (default \`${authorize}\`)`,
    [`RELANCE_${p}_TOKEN_URL`]: `the token endpoint (default \`${token}\`)`,
    [`RELANCE_${p}_API_URL`]: `the API base (default \`${api}\`)`,
    [`RELANCE_${p}_WEBHOOK_KEY`]: p === 'HUBSPOT' ? 'the webhook signing secret (default: the client secret)' : 'the key its webhooks are signed with',
  } as Record<AppText | AppUrl, string>;
}
