/**
 * The embedded database's wire server: PGlite is ONE PostgreSQL session, so several `pg` clients can
 * share it only if no two clients' messages interleave. pglite-socket queues single messages, which
 * lets client B's Parse land between client A's Parse and Bind (A then binds B's statement: "bind
 * message supplies 2 parameters…", "portal does not exist"). Here a client takes the session for a
 * whole exchange — from its first message through its Sync or simple Query — and keeps it while its
 * transaction is open; everyone else waits in arrival order. A client that leaves mid-exchange or
 * mid-transaction has its exchange closed (Sync) and its transaction rolled back before the next one
 * starts, and a client that waits too long (a transaction waiting on itself through another client
 * would otherwise hang for ever) is disconnected: its query fails, nothing hangs.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]); // 'S', length 4

export interface PgliteServerOptions {
  host?: string;
  /** How long a client may wait for the session before it is disconnected (default 30 s). */
  waitTimeoutMs?: number;
}

export interface PgliteServer {
  port: number;
  /** Statistics for tests and /healthz: clients connected and waiting. */
  stats(): { clients: number; waiting: number };
  /** Disconnects every client (rolling back what was open) and stops listening. */
  stop(): Promise<void>;
}

interface Client {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  closed: boolean;
  /** The client's messages are handled one after another, never two at once. */
  chain: Promise<void>;
}

interface Waiter {
  client: Client;
  grant: () => void;
  fail: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export async function servePglite(db: PGlite, options: PgliteServerOptions = {}): Promise<PgliteServer> {
  const waitTimeoutMs = options.waitTimeoutMs ?? 30_000;
  const clients = new Set<Client>();
  const waiters: Waiter[] = [];
  let owner: Client | null = null;
  let stopping = false;

  const grantNext = () => {
    while (!owner && waiters.length > 0) {
      const next = waiters.shift()!;
      clearTimeout(next.timer);
      if (next.client.closed) {
        next.fail(new Error('client closed'));
        continue;
      }
      owner = next.client;
      next.grant();
    }
  };

  const acquire = (client: Client): Promise<void> => {
    if (owner === client) return Promise.resolve();
    if (!owner && waiters.length === 0) {
      owner = client;
      return Promise.resolve();
    }
    return new Promise<void>((grant, fail) => {
      const timer = setTimeout(() => {
        const at = waiters.findIndex((w) => w.client === client);
        if (at >= 0) waiters.splice(at, 1);
        fail(new Error('waited too long for the embedded database'));
      }, waitTimeoutMs);
      timer.unref();
      waiters.push({ client, grant, fail, timer });
    });
  };

  /** Leaves the session clean for the next client: closes an open exchange, rolls back a transaction. */
  const release = async (client: Client, { abandon }: { abandon: boolean }) => {
    if (owner !== client) return;
    if (abandon) {
      try {
        await db.runExclusive(() => db.execProtocolRawStream(SYNC, { onRawData: () => {} }));
        // exec takes PGlite's own lock: outside runExclusive, which is not re-entrant
        if (db.isInTransaction()) await db.exec('ROLLBACK');
      } catch {
        // the session is reset as far as it can be; the next client's statements report any trouble
      }
    }
    owner = null;
    grantNext();
  };

  const run = async (client: Client, message: Uint8Array, endsExchange: boolean) => {
    await acquire(client);
    if (client.closed) return release(client, { abandon: true });
    await db.runExclusive(() =>
      db.execProtocolRawStream(message, {
        onRawData: (data) => {
          if (data.length > 0 && !client.closed && client.socket.writable) client.socket.write(Buffer.from(data));
        },
      }),
    );
    if (endsExchange && !db.isInTransaction()) await release(client, { abandon: false });
  };

  /** Splits what arrived into whole messages and runs them in order. */
  const handle = async (client: Client) => {
    for (;;) {
      const buf = client.buffer;
      if (!client.started) {
        if (buf.length < 8) return;
        const length = buf.readInt32BE(0);
        if (buf.length < length) return;
        const code = buf.readInt32BE(4);
        const message = buf.subarray(0, length);
        client.buffer = buf.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          client.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          client.socket.end(); // not supported: the statement runs to its end
          return;
        }
        client.started = true;
        await run(client, new Uint8Array(message), true);
        continue;
      }
      if (buf.length < 5) return;
      const length = 1 + buf.readInt32BE(1);
      if (buf.length < length) return;
      const type = String.fromCharCode(buf[0]!);
      const message = new Uint8Array(buf.subarray(0, length));
      client.buffer = buf.subarray(length);
      if (type === 'X') {
        client.socket.end();
        return;
      }
      await run(client, message, type === 'S' || type === 'Q');
    }
  };

  const drop = (client: Client) => {
    if (client.closed) return;
    client.closed = true;
    clients.delete(client);
    const at = waiters.findIndex((w) => w.client === client);
    if (at >= 0) {
      const [w] = waiters.splice(at, 1);
      clearTimeout(w!.timer);
      w!.fail(new Error('client closed'));
    }
    // After whatever it was doing has returned: close its exchange and transaction, let the next in.
    void client.chain.then(() => release(client, { abandon: true }));
  };

  const server: Server = createServer((socket) => {
    if (stopping) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const client: Client = { socket, buffer: Buffer.alloc(0), started: false, closed: false, chain: Promise.resolve() };
    clients.add(client);
    socket.on('data', (chunk: Buffer) => {
      client.buffer = client.buffer.length ? Buffer.concat([client.buffer, chunk]) : chunk;
      client.chain = client.chain.then(() => handle(client)).catch(() => {
        socket.destroy();
        drop(client);
      });
    });
    socket.on('error', () => drop(client));
    socket.on('close', () => drop(client));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    port,
    stats: () => ({ clients: clients.size, waiting: waiters.length }),
    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const all = [...clients];
      for (const client of all) {
        client.socket.destroy();
        drop(client);
      }
      // Each client's running message finishes and its session state is cleaned, briefly.
      await Promise.race([
        Promise.allSettled(all.map((c) => c.chain)),
        new Promise((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
      await closed;
    },
  };
}
