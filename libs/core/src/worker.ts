// Loader arguments for worker threads. The workspace runs TypeScript through tsx; a worker started
// with `execArgv: ['--import', 'tsx']` resolves `tsx` from the *working directory*, so the CLI failed
// when run outside the clone or as an installed command. We resolve tsx from this package instead and
// pass its absolute file URL.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let cached: string[] | undefined;

/** `execArgv` for a Worker that must load TypeScript: `['--import', <file URL of tsx's loader>]`. */
export function workerExecArgv(): string[] {
  if (cached) return [...cached];
  let url: string;
  try {
    url = import.meta.resolve('tsx');
  } catch {
    url = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  }
  cached = ['--import', url];
  return [...cached];
}
