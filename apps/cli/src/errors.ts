// Turning any thrown error into one clear line for the user (never a stack trace,
// unless ASTERIS_DEBUG=1). Library errors carry the file and the problem in their message;
// this module only tidies what reaches the user:
//  - Node system errors (ENOENT, ENOTDIR, EISDIR, EEXIST, EACCES, …) become "<path>: <problem>";
//  - typed library errors (FitsError, SpecError, SelectError, …) that know their file but whose
//    message does not name it get the file prefixed;
//  - zod errors become a short "path: problem" list; AggregateErrors list their members;
//  - raw control characters (e.g. a newline quoted from a file by JSON.parse) are escaped, so a
//    single problem stays on a single line, while deliberate multi-problem lists ("…:\n  - a\n  - b")
//    are kept; stray stack-frame lines are dropped.

export class UsageError extends Error {
  override name = 'UsageError';
}

type Errno = NodeJS.ErrnoException & { dest?: string };

/** What a system error code means for the path it names (user wording, no errno jargon). */
const ERRNO_PROBLEM: Record<string, (syscall: string | undefined) => string> = {
  ENOENT: () => 'no such file or directory',
  ENOTDIR: () => 'a parent of this path is a file, not a directory',
  EISDIR: () => 'is a directory (expected a file)',
  EEXIST: (s) => (s === 'mkdir' ? 'exists and is not a directory' : 'already exists'),
  EACCES: () => 'permission denied',
  EPERM: () => 'operation not permitted',
  EROFS: () => 'read-only file system',
  ENOSPC: () => 'no space left on the device',
  EDQUOT: () => 'disk quota exceeded',
  ENAMETOOLONG: () => 'file name too long',
  ELOOP: () => 'too many levels of symbolic links',
  EMFILE: () => 'too many open files',
  ENOTEMPTY: () => 'directory not empty',
};

const SYSCALL_VERB: Record<string, string> = {
  open: 'cannot open', read: 'cannot read', write: 'cannot write', mkdir: 'cannot create directory',
  rename: 'cannot rename', unlink: 'cannot remove', rmdir: 'cannot remove', scandir: 'cannot list',
  stat: 'cannot access', lstat: 'cannot access', copyfile: 'cannot copy', access: 'cannot access',
};

function formatErrno(e: Errno): string | undefined {
  const problem = e.code ? ERRNO_PROBLEM[e.code] : undefined;
  if (!problem || !e.path) return undefined;
  if (e.code === 'ENOENT') return `no such file or directory: ${e.path}`;
  if (e.code === 'EACCES') return `permission denied: ${e.path}`;
  const verb = e.syscall ? SYSCALL_VERB[e.syscall] : undefined;
  return `${verb ? `${verb} ` : ''}${e.path}: ${problem(e.syscall)}`;
}

interface ZodLikeIssue { path?: PropertyKey[]; message?: string }

function isZodError(e: Error): e is Error & { issues: ZodLikeIssue[] } {
  return (e.name === 'ZodError' || e.constructor?.name === 'ZodError') && Array.isArray((e as { issues?: unknown }).issues);
}

function formatZod(e: { issues: ZodLikeIssue[] }): string {
  const lines = e.issues.map((i) => {
    const where = i.path && i.path.length ? i.path.map(String).join('.') : '(root)';
    return `  - ${where}: ${i.message ?? 'invalid'}`;
  });
  return `invalid input (${lines.length} problem${lines.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** A stack frame line such as "    at fn (/x/y.ts:12:3)". */
const FRAME = /^\s+at\s.+(:\d+(:\d+)?\)?|\(native\)|<anonymous>\)?)\s*$/;

/** Escapes control characters inside the quoted snippet of a JSON.parse message, which spans lines. */
function tidyJsonSnippet(message: string): string {
  return message.replace(/(not valid JSON \()([\s\S]*)\)$/, (_m, head: string, inner: string) => `${head}${escapeControls(inner)})`);
}

function escapeControls(s: string): string {
  return s.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Keeps deliberate multi-problem lists (indented continuation lines), drops stack frames. */
function tidyLines(message: string): string {
  const lines = tidyJsonSnippet(message).split('\n').filter((l) => !FRAME.test(l));
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.join('\n');
}

export function formatError(err: unknown): string {
  if (err instanceof Error) {
    const sys = formatErrno(err as Errno);
    if (sys) return sys;
    if (isZodError(err)) return formatZod(err);
    if (err instanceof AggregateError && err.errors.length) {
      const parts = err.errors.map((e) => formatError(e));
      return `${err.message ? `${err.message}:` : `${parts.length} errors:`}\n${parts.map((p) => `  - ${p}`).join('\n')}`;
    }
    let message = err.message || err.name || 'unknown error';
    // typed library errors remember their file; make sure the user sees it
    const file = (err as { file?: unknown }).file;
    if (typeof file === 'string' && file && !message.includes(file)) message = `${file}: ${message}`;
    return tidyLines(message);
  }
  if (typeof err === 'string') return tidyLines(err);
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
