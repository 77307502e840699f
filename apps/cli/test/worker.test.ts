// `asteris worker` (the spawned binary) against a private redis-server child on a random loopback port:
// it processes a run's jobs, never prints the password, stops cleanly on SIGTERM, and fails in one
// line when Redis is unreachable or --redis is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bullmqEngine, connectRedis, demoHandlers } from '@asteris/engine';
import { BIN, REPO, STACK_FRAME, errorLines, runCli } from './cli-harness.ts';

const PASSWORD = 'w0rker-s3cret';
let T = '';
let redis: ChildProcess | undefined;
let port = 0;

const freePort = (): Promise<number> => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => res(p));
  });
});

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'asteris-cli-worker-'));
  port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      (await connectRedis(`redis://:${PASSWORD}@127.0.0.1:${port}`, { timeoutMs: 500 })).disconnect();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
afterAll(() => {
  redis?.kill('SIGKILL');
  if (T) rmSync(T, { recursive: true, force: true });
});

describe('asteris worker', () => {
  it('processes the jobs of a bullmq run, never printing the password, and stops on SIGTERM', async () => {
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const cache = join(T, 'cache');
    const child = spawn(process.execPath, [BIN, 'worker', '--demo', '--cache', cache, '--queue', 'cli', '--lock-duration', '2'], {
      env: { ...process.env, ASTERIS_REDIS_URL: url }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; });
    child.stderr!.on('data', (d: Buffer) => { out += d; });
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    try {
      for (let i = 0; !/listening/.test(out); i++) {
        if (i > 600 || child.exitCode !== null) throw new Error(`worker did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const engine = bullmqEngine({ redis: url, queue: 'cli', handlers: demoHandlers(), pollMs: 50 });
      const r = await engine.run([
        { id: 'a', kind: 'demo.write', deps: [], payload: { out: 'a.bin', seed: 1, bytes: 64 } },
        { id: 'b', kind: 'demo.write', deps: ['a'], payload: { out: 'b.bin', seed: 2, bytes: 64 } },
      ]);
      await engine.close();
      expect(r.b).toMatchObject({ bytes: 64 });
      expect(readFileSync(join(cache, 'b.bin')).length).toBe(64);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/listening on redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(out).toMatch(/worker: done b/);
    expect(out).not.toContain(PASSWORD);
  });

  it('asteris run --engine bullmq: unreachable Redis is one line (exit 1) before any work; missing --redis or a bad --engine is a usage error', async () => {
    const dead = await freePort();
    const out = join(T, 'run-dead');
    // a valid field (the demo spec): a bad one is named before Redis is contacted (next lines)
    const r = await runCli(['run', join(REPO, 'data/demo'), '--out', out, '--engine', 'bullmq', '--redis', `redis://:${PASSWORD}@127.0.0.1:${dead}`], { timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${dead} within 5 s`))]);
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    const nf = await runCli(['run', join(T, 'no-such-field'), '--out', out, '--engine', 'bullmq', '--redis', `redis://:${PASSWORD}@127.0.0.1:${dead}`], { timeoutMs: 30_000 });
    expect(nf.code).toBe(1);
    expect(errorLines(nf.stderr)).toEqual([expect.stringMatching(/no-such-field: field directory does not exist$/)]);
    const u = await runCli(['run', T, '--out', out, '--engine', 'bullmq'], { env: { ASTERIS_REDIS_URL: undefined }, timeoutMs: 20_000 });
    expect(u.code).toBe(2);
    expect(errorLines(u.stderr)).toEqual([expect.stringContaining('--engine bullmq: give --redis URL')]);
    const e = await runCli(['run', T, '--out', out, '--engine', 'celery'], { timeoutMs: 20_000 });
    expect(e.code).toBe(2);
    expect(errorLines(e.stderr)).toEqual([expect.stringContaining("--engine: expected local or bullmq, got 'celery'")]);
  });

  it('unreachable Redis: one error line, exit 1, no password; missing --redis: usage error', async () => {
    const dead = await freePort();
    const r = await runCli(['worker', '--redis', `redis://:${PASSWORD}@127.0.0.1:${dead}`, '--cache', T], { timeoutMs: 20_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${dead} within 5 s: .*ECONNREFUSED`))]);
    expect(r.stderr).not.toContain(PASSWORD);
    const u = await runCli(['worker', '--cache', T], { env: { ASTERIS_REDIS_URL: undefined }, timeoutMs: 20_000 });
    expect(u.code).toBe(2);
    expect(errorLines(u.stderr)).toEqual([expect.stringContaining('give --redis URL')]);
  });
});
