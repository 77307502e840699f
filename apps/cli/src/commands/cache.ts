// `asteris cache ls|gc`: inspect and prune the product cache of a run directory.
import type { Command } from 'commander';

export function register(program: Command): void {
  const cache = program.command('cache').description('inspect or prune the cache of intermediate products');
  cache
    .command('ls')
    .description('list cached products (stage, key, size, age, used by the last run)')
    .argument('<out>', 'run output directory (the --out of `asteris run`)')
    .option('--json', 'machine-readable output')
    .action(async (out: string, opts: { json?: boolean }) => {
      const { listCache } = await import('@asteris/pipeline');
      const rows = listCache(out);
      if (opts.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) {
        console.log(`no cached products under ${out}`);
        return;
      }
      const w = Math.max(...rows.map((r) => r.stage.length), 5);
      console.log(`${'stage'.padEnd(w)}  key                       size(MB)  created                   in last run`);
      for (const r of rows) {
        console.log(`${r.stage.padEnd(w)}  ${r.key.padEnd(24)}  ${(r.bytes / 1e6).toFixed(2).padStart(8)}  ${r.createdAt.padEnd(24)}  ${r.inLastRun ? 'yes' : 'no'}`);
      }
    });
  cache
    .command('gc')
    .description('remove temporary debris and every product not used by the last run')
    .argument('<out>', 'run output directory')
    .option('--all', 'remove every cached product')
    .action(async (out: string, opts: { all?: boolean }) => {
      const { gcCache, acquireOutLock } = await import('@asteris/pipeline');
      const { existsSync } = await import('node:fs');
      // gc deletes; never while a run writes into the same directory (the lock names that run)
      const lock = existsSync(out) ? await acquireOutLock(out, { command: 'asteris cache gc', cleanDebris: false }) : null;
      let res: { removed: string[]; freedBytes: number };
      try { res = gcCache(out, { all: Boolean(opts.all) }); } finally { lock?.release(); }
      const { removed, freedBytes } = res;
      console.log(`removed ${removed.length} entr${removed.length === 1 ? 'y' : 'ies'}, freed ${(freedBytes / 1e6).toFixed(2)} MB`);
    });
}
