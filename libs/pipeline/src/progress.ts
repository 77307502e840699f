// Progress reporting: one bar per stage on a terminal (cli-progress), structured JSON log lines
// (pino, to stderr) otherwise; and the end-of-run summary table of stage times and cache hits.
import cliProgress from 'cli-progress';
import { pino, type Logger } from 'pino';
import { groupProgress, type EngineEvent, type JobSpec } from '@asteris/engine';
import { CACHED } from './engine.ts';

export interface StageRecord { stage: string; seconds: number; cached: boolean; key?: string; note?: string }

export interface Reporter {
  start(stage: string, total?: number): void;
  tick(stage: string, done: number, total?: number, msg?: string): void;
  end(rec: StageRecord): void;
  info(msg: string, extra?: Record<string, unknown>): void;
  close(): void;
}

export function makeReporter(opts: { tty?: boolean; quiet?: boolean } = {}): Reporter {
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  if (opts.quiet) return silentReporter();
  return tty ? new BarReporter() : new JsonReporter(pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true })));
}

export function silentReporter(): Reporter {
  return { start() {}, tick() {}, end() {}, info() {}, close() {} };
}

class JsonReporter implements Reporter {
  constructor(private log: Logger) {}
  start(stage: string, total?: number) { this.log.info({ stage, event: 'start', total }, `${stage}: start`); }
  tick(stage: string, done: number, total?: number, msg?: string) { this.log.info({ stage, event: 'progress', done, total, ...(msg ? { note: msg } : {}) }, `${stage}: ${done}/${total ?? '?'}${msg ? ` ${msg}` : ''}`); }
  end(rec: StageRecord) { this.log.info({ ...rec, event: 'end' }, `${rec.stage}: ${rec.cached ? 'cached' : 'done'} in ${rec.seconds.toFixed(2)} s`); }
  info(msg: string, extra?: Record<string, unknown>) { this.log.info(extra ?? {}, msg); }
  close() { this.log.flush(); }
}

class BarReporter implements Reporter {
  private multi = new cliProgress.MultiBar({
    format: ' {stage} |{bar}| {value}/{total} {status}',
    hideCursor: true,
    clearOnComplete: false,
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  private bars = new Map<string, cliProgress.SingleBar>();
  start(stage: string, total = 1) {
    const bar = this.bars.get(stage);
    if (bar) { bar.setTotal(total); return; }
    this.bars.set(stage, this.multi.create(total, 0, { stage: stage.padEnd(14), status: '' }));
  }
  tick(stage: string, done: number, total?: number, msg?: string) {
    if (!this.bars.has(stage)) this.start(stage, total);
    const bar = this.bars.get(stage)!;
    if (total !== undefined) bar.setTotal(total);
    bar.update(done, msg !== undefined ? { status: msg } : {});
  }
  end(rec: StageRecord) {
    const bar = this.bars.get(rec.stage);
    if (!bar) return;
    bar.update(bar.getTotal(), { status: rec.cached ? 'cached' : `${rec.seconds.toFixed(1)} s` });
  }
  info(msg: string) { this.multi.log(`${msg}\n`); }
  close() { this.multi.stop(); }
}

export function summaryTable(records: StageRecord[]): string {
  const rows = records.map((r) => [r.stage, r.cached ? 'cached' : 'computed', `${r.seconds.toFixed(2)}`, r.note ?? '']);
  const head = ['stage', 'status', 'seconds', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const total = records.reduce((s, r) => s + r.seconds, 0);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), `total ${total.toFixed(2)} s`].join('\n');
}

/** Progress of one long stage: `progress(done, total, msg?)`, e.g. progress(3, 12, 'F200W tile 3'). */
export type ProgressFn = (done: number, total: number, msg?: string) => void;

/**
 * A `progress(done, total, msg)` callback for `stage`: on a terminal it moves the stage's bar (the
 * message shows as its status); when piped it logs a line at most every `minIntervalMs` (default 2 s)
 * plus the first and the last update, so a log stays short however fine-grained the calls are.
 */
export function stageProgress(rep: Reporter, stage: string, opts: { minIntervalMs?: number; now?: () => number } = {}): ProgressFn {
  const every = opts.minIntervalMs ?? 2000;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  return (done, total, msg) => {
    const t = now();
    if (rep instanceof BarReporter || done >= total || t - last >= every) {
      last = t;
      rep.tick(stage, done, total, msg);
    }
  };
}

/**
 * The runner's `onEvent` for an engine: a bar (or throttled log lines) per stage job, a record per finished
 * job (cached when the job said so with progress 'cached'), and a bar per field (group) when `perGroup`.
 */
export function engineProgress(jobs: JobSpec[], rep: Reporter, records: StageRecord[], perGroup: boolean): (e: EngineEvent) => void {
  const label = new Map(jobs.map((j) => [j.id, j.label ?? j.id]));
  const cached = new Set<string>();
  const ticks = new Map<string, ProgressFn>();
  const stage = (e: EngineEvent): void => {
    const l = label.get(e.id) ?? e.id;
    if (e.type === 'start') rep.start(l);
    else if (e.type === 'progress') {
      if (e.message === CACHED) cached.add(e.id);
      else {
        if (!ticks.has(e.id)) ticks.set(e.id, stageProgress(rep, l));
        ticks.get(e.id)!(e.done, e.total, e.message);
      }
    } else if (e.type === 'retry') rep.info(`${l}: retrying (${e.error ?? 'interrupted'})`);
    else if (e.type === 'done' || e.type === 'cached') {
      const rec = { stage: l, seconds: e.seconds ?? 0, cached: e.type === 'cached' || cached.has(e.id) };
      rep.end(rec);
      records.push(rec);
    }
  };
  if (!perGroup) return stage;
  return groupProgress(jobs, (g) => rep.tick(`field ${g.group || '-'}`, g.done, g.total, `${g.running} running${g.failed ? `, ${g.failed} failed` : ''}`), stage);
}
