// `asteris fits info|header` — owned by libs/fits work (issue 2).
import type { Command } from 'commander';

export function register(program: Command): void {
  program.command('fits').description('inspect FITS files (info, header)');
}
