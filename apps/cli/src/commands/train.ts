// `asteris train <field|stack dirs> --arch lite|asteris4|asteris8 --epochs N --out model.onnx` (issue 5):
// runs the Python trainer (apps/asteris-train, Debian python3-torch), streams its progress.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';

const TRAINER_DIR = fileURLToPath(new URL('../../../asteris-train/', import.meta.url));
export const TORCH_HINT =
  'PyTorch is not available to the trainer. Install it with: sudo apt-get install python3-torch python3-onnx python3-numpy python3-astropy python3-scipy ' +
  '(the trainer uses /usr/bin/python3; set ASTERIS_PYTHON to use another interpreter that has torch and onnx).';

export function pythonExe(): string {
  return process.env.ASTERIS_PYTHON ?? '/usr/bin/python3';
}

/** null when torch + onnx import, else the message to show. */
export function checkTorch(py = pythonExe()): string | null {
  if (!existsSync(py) && py.startsWith('/')) return `${py} not found. ${TORCH_HINT}`;
  const r = spawnSync(py, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
  if (r.error) return `cannot run ${py}: ${r.error.message}. ${TORCH_HINT}`;
  return r.status === 0 ? null : TORCH_HINT;
}

interface TrainCliOptions {
  arch: string; epochs: string; out: string; checkpointDir?: string; resume?: string; seed?: string;
  batch?: string; patch?: string; maxIters?: string; threads?: string; synthetic?: string;
}

/** Renders one trainer stdout line (JSON events or plain text). */
export function formatTrainerLine(line: string): string {
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (e && typeof e === 'object' && 'event' in e) {
      const { event, ...rest } = e;
      return `[train] ${String(event)} ${Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(5) : JSON.stringify(v)}`).join(' ')}`;
    }
  } catch { /* plain text */ }
  return `[train] ${line}`;
}

export async function runTrain(inputs: string[], o: TrainCliOptions): Promise<number> {
  if (!['lite', 'lite-null', 'asteris4', 'asteris8', 'tiny'].includes(o.arch)) throw new UsageError(`--arch must be lite, lite-null, asteris4 or asteris8, got '${o.arch}'`);
  const epochs = Number(o.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UsageError(`--epochs must be a positive integer, got '${o.epochs}'`);
  if (!inputs.length && !o.synthetic) throw new UsageError('give at least one field or stack directory (each pointing needs ≥ 2T exposures)');
  for (const d of inputs) if (!existsSync(d)) throw new UsageError(`no such field or stack directory: ${d}`);
  const problem = checkTorch();
  if (problem) throw new Error(problem);
  const args = ['-m', 'asteris_train', 'train', ...inputs.map((d) => resolve(d)), '--arch', o.arch, '--epochs', String(epochs), '--out', resolve(o.out)];
  const pass: Array<[keyof TrainCliOptions, string]> = [
    ['checkpointDir', '--checkpoint-dir'], ['resume', '--resume'], ['seed', '--seed'], ['batch', '--batch'], ['patch', '--patch'],
    ['maxIters', '--max-iters'], ['threads', '--threads'], ['synthetic', '--synthetic'],
  ];
  for (const [k, flag] of pass) if (o[k] !== undefined) args.push(flag, k === 'checkpointDir' || k === 'resume' ? resolve(o[k]!) : o[k]!);
  const env = { ...process.env, PYTHONPATH: [TRAINER_DIR, process.env.PYTHONPATH].filter(Boolean).join(':'), PYTHONUNBUFFERED: '1' };
  return await new Promise<number>((res, rej) => {
    const child = spawn(pythonExe(), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let errTail = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line) process.stdout.write(formatTrainerLine(line) + '\n');
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString('utf8');
      errTail = (errTail + s).slice(-4000);
      // The trainer's final `error: …` line is reported once, by the thrown error below.
      const pass = s.split('\n').filter((l) => !/^error: /.test(l)).join('\n');
      if (pass.trim()) process.stderr.write(pass.endsWith('\n') ? pass : `${pass}\n`);
    });
    child.on('error', (e) => rej(new Error(`cannot start ${pythonExe()}: ${e.message}. ${TORCH_HINT}`)));
    child.on('close', (code) => {
      if (buf.trim()) process.stdout.write(formatTrainerLine(buf.trim()) + '\n');
      if (code === 0) res(0);
      else if (code === 3) rej(new Error(TORCH_HINT));
      else rej(new Error(`trainer failed (exit ${code})${/error: (.*)/.exec(errTail)?.[1] ? `: ${/error: (.*)/.exec(errTail)![1]}` : ''}`));
    });
  });
}

export function register(program: Command): void {
  program
    .command('train')
    .description('self-supervised (Noise2Noise half-split) training on your exposures, then ONNX export (Python trainer)')
    .argument('[inputs...]', 'field directories (field.json + <BAND>/*.fits) or stack directories (*.fits); ≥ 2T exposures per pointing')
    .requiredOption('--out <model.onnx>', 'output ONNX file')
    .option('--arch <arch>', 'lite-null | lite | asteris4 | asteris8', 'lite-null')
    .option('--epochs <n>', 'epochs', '20')
    .option('--checkpoint-dir <dir>', 'write a checkpoint every epoch')
    .option('--resume <ckpt>', 'resume from a checkpoint')
    .option('--seed <n>', 'random seed')
    .option('--batch <n>', 'batch size')
    .option('--patch <px>', 'training patch edge')
    .option('--max-iters <n>', 'cap iterations per epoch')
    .option('--threads <n>', 'torch CPU threads')
    .option('--synthetic <n>', 'add N synthetic development stacks')
    .action(async (inputs: string[], o: TrainCliOptions) => {
      await runTrain(inputs, o);
    });
}
