import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.ts';
import { ConfigError } from '../../core/errors.ts';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults: embedded database, port 3000, no key', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.databaseUrl).toBeNull();
    expect(c.dataDir).toBe('/srv/app/.relance');
    expect(c.port).toBe(3000);
    expect(c.secretKey).toBeNull();
    expect(c.worker).toEqual({ enabled: true, concurrency: 5 });
  });

  it('reads the environment and treats an empty variable as unset', () => {
    const c = loadConfig({ DATABASE_URL: '', RELANCE_PORT: '8080', RELANCE_DATA_DIR: '/var/relance' }, '/x');
    expect(c.databaseUrl).toBeNull();
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('/var/relance');
  });

  it('reports every wrong setting, one line each, naming the variable', () => {
    const e = errorOf(() =>
      loadConfig({ RELANCE_PORT: 'eighty', DATABASE_URL: 'mysql://x', RELANCE_LOG_LEVEL: 'loud' }),
    );
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('RELANCE_PORT:'))).toContain('"eighty"');
    expect(lines.find((l) => l.startsWith('DATABASE_URL:'))).toContain('postgres://');
    // A URL may hold a password: its value is never echoed.
    expect(e.message).not.toContain('mysql://x');
    expect(lines.some((l) => l.startsWith('RELANCE_LOG_LEVEL:'))).toBe(true);
  });

  it('reads an optional JSON file that the environment overrides', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relance-config-'));
    writeFileSync(path.join(dir, 'relance.json'), JSON.stringify({ RELANCE_PORT: 4000, RELANCE_HOST: '0.0.0.0' }));
    const c = loadConfig({ RELANCE_CONFIG: 'relance.json', RELANCE_PORT: '5000' }, dir);
    expect(c.port).toBe(5000);
    expect(c.host).toBe('0.0.0.0');
  });

  it('refuses a config file with an unknown setting or broken JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'relance-config-'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ RELANCE_PROT: 1 }));
    writeFileSync(path.join(dir, 'b.json'), '{ nope');
    expect(errorOf(() => loadConfig({ RELANCE_CONFIG: 'a.json' }, dir)).message).toContain('unknown setting RELANCE_PROT');
    expect(errorOf(() => loadConfig({ RELANCE_CONFIG: 'b.json' }, dir)).message).toContain('not valid JSON');
    expect(errorOf(() => loadConfig({ RELANCE_CONFIG: 'missing.json' }, dir)).message).toContain('cannot read');
  });
});
