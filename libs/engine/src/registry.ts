// The handlers `asteris worker` serves. Until @asteris/pipeline exports `stageHandlers()`, this is
// the demo set; the CLI imports `stageHandlers` in exactly one line (apps/cli/src/commands/worker.ts),
// so wiring the real stages is a one-line change there.
import type { JobHandler } from './types.ts';
import { demoHandlers } from './demo.ts';

export function stageHandlers(): JobHandler<any, any>[] {
  return demoHandlers();
}
