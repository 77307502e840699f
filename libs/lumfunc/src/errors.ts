/** Typed error for bad LF inputs: the message names the file (when there is one) and the problem. */
export class LumfuncError extends Error {
  override name = 'LumfuncError';
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
  }
}
