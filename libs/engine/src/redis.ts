// Redis connections from a URL (`redis://[user][:password]@host[:port][/db]`, `rediss://` for TLS),
// with bounded connect timeouts so an unreachable server gives one clear line, never a hang.
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { redact, redactUrl } from './redact.ts';

export class EngineError extends Error {
  override name = 'EngineError';
}

/** ioredis options for a Redis URL (password and TLS from the URL only). */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EngineError(`invalid Redis URL ${redactUrl(url)} (expected redis://[:password@]host[:port][/db] or rediss://…)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new EngineError(`invalid Redis URL ${redactUrl(url)}: scheme must be redis:// or rediss://`);
  }
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new EngineError(`invalid Redis URL ${redactUrl(url)}: database must be a non-negative integer`);
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return {
    host,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    // SNI only for host names (RFC 6066 forbids IP addresses); the certificate is checked either way
    tls: u.protocol === 'rediss:' ? (isIP(host) ? {} : { servername: host }) : undefined,
    connectTimeout: 3000,
    lazyConnect: true,
  };
}

export interface ConnectOptions {
  /** give up connecting after this long (default 5 s) */
  timeoutMs?: number;
  /** null for BullMQ workers (blocking commands), a small number for producers */
  maxRetriesPerRequest?: number | null;
  enableOfflineQueue?: boolean;
}

/**
 * Opens a connection and waits until it is ready, or throws one clear line
 * ("cannot reach Redis at redis://:***@host:port within 5 s: connect ECONNREFUSED …").
 * Once connected, the client reconnects forever (at most 1 s apart); callers bound outages themselves.
 */
export async function connectRedis(url: string, opts: ConnectOptions = {}): Promise<Redis> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const base = redisOptions(url);
  let lastError = '';
  const client = new Redis({
    ...base,
    connectTimeout: Math.min(3000, timeoutMs),
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 1 : opts.maxRetriesPerRequest,
    enableOfflineQueue: opts.enableOfflineQueue ?? true,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  });
  client.on('error', (e: Error) => {
    lastError = redact(e.message, url);
  });
  const deadline = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new EngineError('timeout')), timeoutMs);
    t.unref();
  });
  try {
    await Promise.race([client.connect(), deadline]);
    await Promise.race([client.ping(), deadline]);
    return client;
  } catch (e) {
    client.disconnect();
    const why = lastError || redact((e as Error).message, url);
    throw new EngineError(`cannot reach Redis at ${redactUrl(url)} within ${(timeoutMs / 1000).toFixed(0)} s${why && why !== 'timeout' ? `: ${why}` : ''}`);
  }
}
