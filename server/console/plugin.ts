/**
 * The admin console: static HTML, CSS and browser ES modules under `/console/`, a client of the
 * admin API (`/api/...`) with the session cookie and the CSRF token. No bundler: the files are
 * served as they are in `static/`, read once at start into memory — which also means a request path
 * can only ever name one of those files (no traversal to check on each request).
 * Plus `POST /console/export`, which turns a table the console already holds into CSV or .xlsx.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import type { Db } from '../../core/store/index.ts';
import { authorizeExport, exportResponse } from './export-route.ts';

const STATIC_ROOT = fileURLToPath(new URL('./static/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
};

// Everything comes from this server: no CDN, no inline script, no framing (clickjacking on approvals).
// Inline styles are allowed because a message preview (`<iframe sandbox srcdoc>`, which inherits
// this policy) is an email styled inline; the console itself never builds markup from text.
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** Every servable file under `root`, keyed by its URL path below `/console/`. */
export function loadStaticFiles(root: string = STATIC_ROOT): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (TYPES[extname(entry.name)] && !entry.name.endsWith('.test.js')) {
        const body = readFileSync(path);
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
        files.set(relative(root, path).split(sep).join('/'), { body, type: TYPES[extname(entry.name)]!, etag });
      }
    }
  };
  walk(root);
  return files;
}

function send(reply: FastifyReply, file: StaticFile, ifNoneMatch: string | undefined) {
  // no-cache = revalidate each time: a new release is picked up at once, an unchanged file costs a 304.
  void reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache', etag: file.etag });
  if (ifNoneMatch === file.etag) return reply.status(304).send();
  return reply.type(file.type).send(file.body);
}

export interface ConsoleOptions {
  /** Where the static files are (tests point elsewhere); `server/console/static/` by default. */
  root?: string;
  /** The store the export route checks the caller's login against; without it, exports are not served. */
  db?: Db;
}

export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions = {}): Promise<void> {
  const files = loadStaticFiles(options.root);
  const index = files.get('index.html');
  if (!index) throw new Error(`console: no index.html under ${options.root ?? STATIC_ROOT}`);

  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/', async (request, reply) => send(reply, index, request.headers['if-none-match']));
  app.get<{ Params: { '*': string } }>('/console/*', async (request, reply) => {
    const file = files.get(request.params['*']);
    if (!file) return reply.status(404).type('text/plain; charset=utf-8').send('not found');
    return send(reply, file, request.headers['if-none-match']);
  });

  const db = options.db;
  if (!db) return;
  await app.register(cookie);
  app.post<{ Querystring: { format?: string } }>('/console/export', async (request, reply) => {
    await authorizeExport(db, request);
    const file = await exportResponse(request.query.format, request.body);
    return reply
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store', 'content-disposition': `attachment; filename="${file.fileName}"` })
      .type(file.type)
      .send(file.body);
  });
}
