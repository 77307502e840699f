// Typed error for every bad input this library detects. The message names the band/file and the problem.
export class PhotometryError extends Error {
  override name = 'PhotometryError';
  constructor(
    message: string,
    readonly band?: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : band ? `band ${band}: ${message}` : message);
  }
}
