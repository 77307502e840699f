// The `asteris` command: one sub-command module per stage under ./commands, each exporting
// `register(program)`. The CLI only parses options and calls library functions.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { formatError } from './errors.ts';
import { register as registerFits } from './commands/fits.ts';

const COMMANDS: Array<(program: Command) => void> = [
  registerFits,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return pkg.version as string;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('asteris')
    .description('Cosmic Dawn galaxy census from JWST/NIRCam exposure stacks')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const reg of COMMANDS) reg(program);
  return program;
}

/** Runs the CLI; returns the process exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed help / version / the usage message.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (process.env.ASTERIS_DEBUG === '1' && err instanceof Error) console.error(err.stack);
    console.error(`asteris: error: ${formatError(err)}`);
    return 1;
  }
}
