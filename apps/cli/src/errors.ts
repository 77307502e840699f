// Turning any thrown error into one clear line for the user (never a stack trace,
// unless ASTERIS_DEBUG=1). Library errors carry the file and the problem in their message.

export class UsageError extends Error {
  override name = 'UsageError';
}

export function formatError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && (err as NodeJS.ErrnoException).path) {
      return `no such file or directory: ${(err as NodeJS.ErrnoException).path}`;
    }
    if (code === 'EACCES' && (err as NodeJS.ErrnoException).path) {
      return `permission denied: ${(err as NodeJS.ErrnoException).path}`;
    }
    return err.message;
  }
  return String(err);
}
