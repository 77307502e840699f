// The `asteris` command: one sub-command module per stage under ./commands, each exporting
// `register(program)`. The CLI only parses options and calls library functions.
import { Command, CommanderError } from 'commander';
import { version } from './version.ts';
import { formatError, UsageError } from './errors.ts';
import { register as registerFits } from './commands/fits.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerCache } from './commands/cache.ts';
import { register as registerDenoise } from './commands/denoise.ts';
import { register as registerTrain } from './commands/train.ts';
import { register as registerLf } from './commands/lf.ts';
import { register as registerSelect } from './commands/select.ts';
import { register as registerPhotometry } from './commands/photometry.ts';
import { register as registerSimulate } from './commands/simulate.ts';
import { register as registerInject } from './commands/inject.ts';
import { register as registerExtract } from './commands/extract.ts';
import { register as registerPsf } from './commands/psf.ts';
import { register as registerWorker } from './commands/worker.ts';
import { register as registerCompleteness } from './commands/completeness.ts';

const COMMANDS: Array<(program: Command) => void> = [
  registerRun,
  registerCache,
  registerFits,
  registerDenoise,
  registerTrain,
  registerLf,
  registerSelect,
  registerPhotometry,
  registerSimulate,
  registerInject,
  registerExtract,
  registerPsf,
  registerWorker,
  registerCompleteness,
];

export { version };

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
    // A bad option value found by a command (UsageError) is a usage error, like commander's own.
    return err instanceof UsageError ? 2 : 1;
  }
}
