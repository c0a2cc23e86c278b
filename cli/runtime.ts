/** What every command that touches the store needs: settings, a logger, the key ring, the store. */
import { loadConfig, type Config } from '../core/config.ts';
import { resolveKeyRing, type KeyRing } from '../core/crypto.ts';
import { createLogger, type Logger } from '../core/logging.ts';
import { openConfiguredStore, type OpenedStore } from '../core/store/open.ts';

export interface Runtime {
  config: Config;
  logger: Logger;
  keys: KeyRing;
  store: OpenedStore;
}

/**
 * Validates everything before opening anything: a wrong setting or a missing production key fails
 * here, with nothing written.
 */
export async function openRuntime(options: { migrate: boolean }): Promise<Runtime> {
  const config = loadConfig();
  const logger = createLogger(config.log);
  const keys = resolveKeyRing({ secretKey: config.secretKey, env: config.env, dataDir: config.dataDir });
  const store = await openConfiguredStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrate: options.migrate,
  });
  return { config, logger, keys, store };
}
