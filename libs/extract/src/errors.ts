/** Typed error for bad extraction input; the message names the image (file when known) and the problem. */
export class ExtractError extends Error {
  override name = 'ExtractError';
  file?: string;
  constructor(message: string, opts: { file?: string } = {}) {
    super(opts.file ? `${opts.file}: ${message}` : message);
    if (opts.file !== undefined) this.file = opts.file;
  }
}
