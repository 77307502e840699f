/** Bad input to the selection stage: the message names the file (when known) and the problem. */
export class SelectError extends Error {
  override name = 'SelectError';
  constructor(message: string, public file?: string) {
    super(file ? `${file}: ${message}` : message);
  }
}
