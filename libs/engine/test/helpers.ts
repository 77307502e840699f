// Test helpers: a private redis-server child on a random loopback port (no persistence, killed after),
// worker child processes, temp dirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectRedis } from '../src/index.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `asteris-engine-${tag}-`));
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface RedisChild { port: number; url: string; stop(): Promise<void>; start(): Promise<void> }

/** Starts `redis-server` on 127.0.0.1:<free port>; `stop` SIGKILLs it, `start` restarts it on the same port. */
export async function startRedis(opts: { password?: string; tls?: { cert: string; key: string } } = {}): Promise<RedisChild> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  const url = `${opts.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`;
  const r: RedisChild = {
    port,
    url,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
      if (opts.password) args.push('--requirepass', opts.password);
      if (opts.tls) {
        args.splice(0, 2, '--port', '0', '--tls-port', String(port));
        args.push('--tls-cert-file', opts.tls.cert, '--tls-key-file', opts.tls.key, '--tls-ca-cert-file', opts.tls.cert, '--tls-auth-clients', 'no');
      }
      child = spawn('redis-server', args, { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        try {
          if (opts.tls) {
            // this process does not trust the test certificate: wait for the port only
            await new Promise<void>((res, rej) => {
              const sock = connect(port, '127.0.0.1', () => { sock.destroy(); res(); });
              sock.once('error', rej);
            });
            return;
          }
          const c = await connectRedis(url, { timeoutMs: 500 });
          c.disconnect();
          return;
        } catch {
          await sleep(50);
        }
      }
      throw new Error(`redis-server did not start on port ${port}`);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const gone = new Promise((res) => c.once('exit', res));
      c.kill('SIGKILL');
      await gone;
    },
  };
  await r.start();
  return r;
}

const FIXTURE = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
export const RUN_FIXTURE = fileURLToPath(new URL('./fixtures/run.ts', import.meta.url));

export interface WorkerChild { proc: ChildProcess; output(): string; waitFor(re: RegExp, ms?: number): Promise<void>; kill(signal?: NodeJS.Signals): Promise<void> }

export function spawnWorker(env: { REDIS_URL: string; CACHE: string; QUEUE: string; LOCK_MS?: string; NODE_EXTRA_CA_CERTS?: string }, script = FIXTURE): WorkerChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  proc.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  return {
    proc,
    output: () => out,
    async waitFor(re, ms = 20_000) {
      const t0 = Date.now();
      while (!re.test(out)) {
        if (Date.now() - t0 > ms) throw new Error(`worker output never matched ${re}:\n${out}`);
        if (proc.exitCode !== null) throw new Error(`worker exited (${proc.exitCode}):\n${out}`);
        await sleep(25);
      }
    },
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((res) => proc.once('exit', res));
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Every file under dir (relative path → bytes as hex digest input), sorted; temp debris excluded. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (!n.includes('.tmp-') && !n.endsWith('.tries')) out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

export function cleanup(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
