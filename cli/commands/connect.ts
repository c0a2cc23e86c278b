/**
 * `relance connect quickbooks`: prints the authorization URL to open; the provider then sends the
 * user back to the server's `/oauth/quickbooks/callback` (run `relance start`), which stores the
 * connection. With `--access-token`/`--refresh-token`/`--realm-id` (a sandbox's printed credentials)
 * the connection is stored at once and printed.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { connectorFor } from '../../connectors/index.ts';
import { QUICKBOOKS_API_URL, QUICKBOOKS_TOKEN_URL } from '../../connectors/quickbooks/profile.ts';
import { InvalidInput } from '../../core/errors.ts';
import { completeConnection, sealState } from '../../server/oauth/index.ts';
import { openRuntime } from '../runtime.ts';

const optionsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  baseUrl: z.url().optional(),
  tokenUrl: z.url().optional(),
  authorizeUrl: z.url().optional(),
  redirectUri: z.url().optional(),
  webhookKey: z.string().min(1).optional(),
  organization: z.string().min(1).optional(),
  stageField: z.string().regex(/^\d+$/, 'a custom field DefinitionId').optional(),
  disputeField: z.string().regex(/^\d+$/, 'a custom field DefinitionId').optional(),
  accessToken: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  realmId: z.string().min(1).optional(),
});
type Options = z.infer<typeof optionsSchema>;

function parseOptions(raw: unknown): Options {
  const parsed = optionsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  throw new InvalidInput(`--${flag}: ${issue.message}`, { field: flag });
}

export function registerConnect(program: Command): void {
  program
    .command('connect')
    .description('connect a provider account: prints the authorization URL (the server receives the callback)')
    .argument('<provider>', 'quickbooks')
    .requiredOption('--client-id <id>', 'the app client id')
    .requiredOption('--client-secret <secret>', 'the app client secret')
    .option('--base-url <url>', 'the API base URL (a sandbox); its token and authorize URLs follow it')
    .option('--token-url <url>', 'the token endpoint')
    .option('--authorize-url <url>', 'the authorization page')
    .option('--redirect-uri <url>', 'the callback URL (default: the server\'s /oauth/<provider>/callback)')
    .option('--webhook-key <key>', 'the webhook verifier token')
    .option('--organization <name>', 'the organization (default: the company name)')
    .option('--stage-field <id>', 'invoice custom field DefinitionId for the dunning stage')
    .option('--dispute-field <id>', 'invoice custom field DefinitionId for the dispute flag')
    .option('--access-token <token>', 'connect at once with these tokens (sandbox)')
    .option('--refresh-token <token>', 'with --access-token')
    .option('--realm-id <id>', 'with --access-token: the company')
    .action(async (provider: string, raw: Record<string, unknown>) => {
      if (provider !== 'quickbooks') throw new InvalidInput(`provider: "${provider}" cannot be connected here yet (quickbooks)`, { field: 'provider' });
      const opts = parseOptions(raw);
      const rt = await openRuntime({ migrate: true });
      try {
        const base = opts.baseUrl?.replace(/\/$/, '');
        const tokenUrl = opts.tokenUrl ?? (base ? `${base}/oauth2/v1/tokens/bearer` : QUICKBOOKS_TOKEN_URL);
        const extra = { ...(opts.stageField ? { stageFieldId: opts.stageField } : {}), ...(opts.disputeField ? { disputeFieldId: opts.disputeField } : {}) };
        const common = { clientId: opts.clientId, clientSecret: opts.clientSecret, baseUrl: base ?? QUICKBOOKS_API_URL, tokenUrl, webhookKey: opts.webhookKey ?? null, extra };
        if (opts.accessToken) {
          if (!opts.refreshToken) throw new InvalidInput('--refresh-token: required with --access-token', { field: 'refresh-token' });
          if (!opts.realmId) throw new InvalidInput('--realm-id: required with --access-token', { field: 'realm-id' });
          const connection = await completeConnection({ pool: rt.store.pool, keys: rt.keys }, {
            provider: 'quickbooks',
            settings: { ...common, accountId: opts.realmId },
            tokens: { accessToken: opts.accessToken, refreshToken: opts.refreshToken, expiresAt: new Date(Date.now() + 50 * 60 * 1000) },
            organization: opts.organization ?? null,
          });
          process.stdout.write(JSON.stringify({ connectionId: connection.id, provider: connection.provider, accountId: connection.accountId, displayName: connection.displayName, organizationId: connection.organizationId }, null, 2) + '\n');
          return;
        }
        const server = rt.config.publicUrl ?? `http://${rt.config.host}:${rt.config.port}`;
        const redirectUri = opts.redirectUri ?? `${server.replace(/\/$/, '')}/oauth/quickbooks/callback`;
        const state = sealState(rt.keys, { provider: 'quickbooks', ...common, redirectUri, organization: opts.organization ?? null });
        const authorizationUrl = connectorFor('quickbooks').auth.authorizationUrl({
          clientId: opts.clientId, redirectUri, state, ...(opts.authorizeUrl || base ? { authorizeUrl: opts.authorizeUrl ?? `${base}/connect/oauth2` } : {}),
        });
        process.stdout.write(JSON.stringify({ authorizationUrl, redirectUri }, null, 2) + '\n');
      } finally {
        await rt.store.close();
      }
    });
}
