/** Typed error of the ASTERIS inference path; the message names the input and the problem. */
export class AsterisError extends Error {
  override name = 'AsterisError';
  constructor(message: string, public file?: string) {
    super(file ? `${file}: ${message}` : message);
  }
}
