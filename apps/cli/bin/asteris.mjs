#!/usr/bin/env node
// Entry point of the `asteris` command. The workspace is TypeScript run through tsx's loader,
// so no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
