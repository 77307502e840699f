#!/usr/bin/env node
// Entry point of the `asteris` command. The workspace is TypeScript run through tsx's loader,
// so no build step is needed after `npm ci`. tsx is resolved from this file's package, so the
// command works from any directory and as an installed (`npm link` / `npm install -g`) command.
import { register } from 'tsx/esm/api';

// `asteris cache ls | head`: the reader closing the pipe is not an error. Stop quietly (exit status
// unchanged) instead of printing an EPIPE stack trace; other stream errors still surface.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
