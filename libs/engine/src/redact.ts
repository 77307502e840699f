// Redis URLs carry passwords (`redis://:pw@host:6379`, `rediss://user:pw@host`): they must never
// reach logs, errors, products or cache keys. Everything the engine prints or throws goes through
// `redact`; URLs are only ever shown as `redactUrl(url)`.

/** The URL with its password (and user name's secret part) replaced by `***`. Never throws. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // not a parseable URL: hide anything between "//" and "@"
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** The secrets of a Redis URL: its password, raw and percent-decoded, and the URL itself. */
export function secretsOf(url: string): string[] {
  const out = new Set<string>([url]);
  try {
    const u = new URL(url);
    if (u.password) {
      out.add(u.password);
      out.add(decodeURIComponent(u.password));
    }
  } catch {
    const m = /\/\/(?:[^:@/]*):([^@/]*)@/.exec(url);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out].filter((s) => s.length > 0);
}

/** `text` with every occurrence of the URL (shown redacted) and of its password replaced. */
export function redact(text: string, url: string | undefined): string {
  if (!url) return text;
  let s = text.split(url).join(redactUrl(url));
  for (const secret of secretsOf(url).filter((x) => x !== url).sort((a, b) => b.length - a.length)) {
    s = s.split(secret).join('***');
  }
  return s;
}
