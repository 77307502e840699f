// The one Observable Plot → SVG adapter (issue 16): Plot renders into a linkedom document (no browser),
// and the element is serialised to an SVG string. A subpath export (`@asteris/core/plot`) so that stages
// which draw nothing never load linkedom. PNG rendering (@resvg/resvg-js) stays with its users.
import { parseHTML } from 'linkedom';

/** A fresh linkedom document to pass as Plot's `document` option. */
export function plotDocument() {
  return parseHTML('<!DOCTYPE html><html><body></body></html>').document;
}

/**
 * A Plot element as SVG text.
 * - 'inline' (for HTML pages): the element as is (an <svg>, or the <figure> Plot wraps around an SVG with a
 *   legend), with the SVG namespace added when missing.
 * - 'standalone' (for .svg files and PNG rendering): the last <svg> only (a <figure>'s legend swatches
 *   dropped), with the SVG and XLink namespaces and an explicit colour (resvg has no CSS inheritance).
 */
export function plotSvg(el: unknown, mode: 'inline' | 'standalone'): string {
  let s = (el as { outerHTML: string }).outerHTML;
  if (mode === 'inline') return s.includes('xmlns=') ? s : s.replace('<svg ', '<svg xmlns="http://www.w3.org/2000/svg" ');
  if (s.startsWith('<figure')) {
    const svgs = s.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    s = svgs[svgs.length - 1] ?? s;
  }
  return s.replace(/^<svg /, '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" color="black" ');
}
