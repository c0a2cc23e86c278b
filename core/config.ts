/**
 * Settings, from the environment and an optional JSON file (`RELANCE_CONFIG`), validated with zod.
 * Every wrong or missing setting is reported at once, one line each, naming the variable.
 * The environment wins over the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v), 'expected a postgres:// or postgresql:// URL');

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole port number')
  .min(0, 'expected a port from 0 to 65535')
  .max(65535, 'expected a port from 0 to 65535');

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
      const shown = given === undefined || /KEY|SECRET|URL/.test(key) ? '' : ` (got "${String(given)}")`;
      return `${key}: ${issue.message}${shown}`;
    });
    throw new ConfigError(lines.join('\n'), { field: String(parsed.error.issues[0]?.path[0] ?? '') });
  }
  const s = parsed.data;
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
};
