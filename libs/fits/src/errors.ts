// The one error type thrown for bad FITS input or unsupported content. The message always
// names the file (when known), the HDU (when known) and the problem, so the CLI can print it
// as a single line.

export class FitsError extends Error {
  override name = 'FitsError';
  file?: string;
  hdu?: number | string;
  problem: string;

  constructor(problem: string, opts: { file?: string; hdu?: number | string } = {}) {
    const where: string[] = [];
    if (opts.file !== undefined) where.push(opts.file);
    if (opts.hdu !== undefined) where.push(`HDU ${opts.hdu}`);
    super(where.length ? `${where.join(', ')}: ${problem}` : problem);
    this.file = opts.file;
    this.hdu = opts.hdu;
    this.problem = problem;
  }
}
