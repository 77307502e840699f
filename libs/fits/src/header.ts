// FITS header: an ordered list of 80-character cards (FITS Standard 4.0, §4).
// Parsing keeps every card, including commentary (COMMENT/HISTORY/blank) and non-standard
// "junk" cards, so that a header read and written again keeps its content. Values:
//   - strings in single quotes with '' as an escaped quote (§4.2.1), trailing blanks dropped;
//   - long strings continued with '&' + CONTINUE cards (§4.2.1.2);
//   - HIERARCH keywords (ESO convention) with keys longer than 8 characters or with spaces;
//   - logical T/F, integers, reals (E or D exponent), complex '(re, im)' kept as text.
// Lower-case or otherwise non-standard keywords are accepted and reported in `warnings`.

import { FitsError } from './errors.ts';

export type CardValue = string | number | boolean | null;

export interface Card {
  /** Upper-cased keyword used for lookups ('' for blank commentary cards). */
  key: string;
  /** undefined for commentary cards (COMMENT, HISTORY, blank, junk without '= '). */
  value?: CardValue;
  /** Comment after '/', or the text of a commentary card. */
  comment?: string;
  /** Original 80-character card images (several for CONTINUE), kept while unmodified. */
  raw?: string[];
  /** Original value text, to keep the exact number formatting on write. */
  valueText?: string;
}

const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);
const KEY_RE = /^[A-Z0-9_-]{0,8}$/;

export class Header {
  cards: Card[] = [];
  /** Problems tolerated while parsing (non-standard keywords, unparsable values). */
  warnings: string[] = [];

  /** Parses header bytes (a multiple of 80 characters; stops at END if present). */
  static parse(bytes: Uint8Array, file?: string): Header {
    const h = new Header();
    const n = Math.floor(bytes.length / 80);
    let text = '';
    for (let i = 0; i < n; i++) {
      text = latin1(bytes, i * 80, 80);
      if (text.startsWith('END') && text.slice(3).trim() === '') break;
      h.pushParsed(text, file);
    }
    return h;
  }

  /** Parses one card image (used by the reader, card by card); CONTINUE cards extend the previous string. */
  pushParsed(text: string, _file?: string): void {
    const card = parseCard(text, this.warnings);
    if (card.key === 'CONTINUE' && this.cards.length) {
      const prev = this.cards[this.cards.length - 1];
      if (typeof prev.value === 'string' && prev.value.endsWith('&')) {
        const cont = parseContinue(text);
        prev.value = prev.value.slice(0, -1) + cont.value;
        if (cont.comment) prev.comment = prev.comment ? `${prev.comment} ${cont.comment}` : cont.comment;
        prev.raw!.push(text);
        return;
      }
    }
    this.cards.push(card);
  }

  // Lazy keyword index (first value card per keyword), rebuilt when the card list changes.
  private idx?: Map<string, Card>;
  private idxCards?: Card[];
  private idxLen = -1;

  private find(key: string): Card | undefined {
    const k = normKey(key);
    if (this.cards.length < 64) {
      for (const c of this.cards) if (c.key === k && c.value !== undefined) return c;
      return undefined;
    }
    if (!this.idx || this.idxCards !== this.cards || this.idxLen !== this.cards.length) {
      this.idx = new Map();
      for (const c of this.cards) if (c.value !== undefined && !this.idx.has(c.key)) this.idx.set(c.key, c);
      this.idxCards = this.cards;
      this.idxLen = this.cards.length;
    }
    const c = this.idx.get(k);
    // guard against in-place edits of a card's key
    return c && c.key === k && c.value !== undefined ? c : undefined;
  }

  /** Value of the first card with this keyword (null = undefined value, undefined = absent). */
  get(key: string): CardValue | undefined {
    return this.find(key)?.value;
  }

  getNumber(key: string, fallback?: number): number | undefined {
    const v = this.get(key);
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      const x = Number(v.trim().replace(/[dD]/, 'E'));
      if (v.trim() !== '' && Number.isFinite(x)) return x;
    }
    return fallback;
  }

  getString(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : String(v);
  }

  getComment(key: string): string | undefined {
    return this.find(key)?.comment;
  }

  has(key: string): boolean {
    return this.find(key) !== undefined;
  }

  /** Sets the first card with this keyword, or appends a new card. */
  set(key: string, value: CardValue, comment?: string): void {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new FitsError(`header value for ${key} must be finite (got ${value})`);
    }
    const k = normKey(key);
    if (COMMENTARY.has(k)) throw new FitsError(`use addComment/addHistory for ${k} cards`);
    const c = this.find(k);
    if (c) {
      c.value = value;
      if (comment !== undefined) c.comment = comment;
      c.raw = undefined;
      c.valueText = undefined;
    } else {
      this.cards.push({ key: k, value, comment });
    }
    this.idx = undefined;
  }

  /** Inserts or updates a card placed right after `afterKey` (or at the start). */
  insertAfter(afterKey: string | null, key: string, value: CardValue, comment?: string): void {
    this.delete(key);
    const k = normKey(key);
    let idx = 0;
    if (afterKey !== null) {
      const a = normKey(afterKey);
      const j = this.cards.findIndex((c) => c.key === a);
      idx = j < 0 ? this.cards.length : j + 1;
    }
    this.cards.splice(idx, 0, { key: k, value, comment });
    this.idx = undefined;
  }

  /** Removes every card with this keyword. */
  delete(key: string): void {
    const k = normKey(key);
    this.cards = this.cards.filter((c) => c.key !== k);
    this.idx = undefined;
  }

  addHistory(text: string): void {
    for (const t of chunk(text, 72)) this.cards.push({ key: 'HISTORY', comment: t });
  }

  addComment(text: string): void {
    for (const t of chunk(text, 72)) this.cards.push({ key: 'COMMENT', comment: t });
  }

  /** Texts of all HISTORY (or COMMENT) cards. */
  history(): string[] {
    return this.cards.filter((c) => c.key === 'HISTORY').map((c) => c.comment ?? '');
  }
  comments(): string[] {
    return this.cards.filter((c) => c.key === 'COMMENT').map((c) => c.comment ?? '');
  }

  clone(): Header {
    const h = new Header();
    h.cards = this.cards.map((c) => ({ ...c, raw: c.raw ? [...c.raw] : undefined }));
    h.warnings = [...this.warnings];
    return h;
  }

  /** Unique value keywords in order of first appearance. */
  keys(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const c of this.cards) {
      if (c.value === undefined || seen.has(c.key)) continue;
      seen.add(c.key);
      out.push(c.key);
    }
    return out;
  }

  /** Card images (80 chars each), without END. */
  toCards(): string[] {
    const out: string[] = [];
    for (const c of this.cards) out.push(...formatCard(c));
    return out;
  }

  /** Header as text, one card per line (for display). */
  toString(): string {
    return this.toCards().map((c) => c.trimEnd()).join('\n');
  }

  /** Serialized header incl. END, padded with spaces to a multiple of 2880 bytes. */
  toBytes(): Uint8Array {
    const cards = this.toCards();
    cards.push('END'.padEnd(80));
    const nbytes = Math.ceil((cards.length * 80) / 2880) * 2880;
    const out = new Uint8Array(nbytes).fill(0x20);
    let o = 0;
    for (const c of cards) {
      for (let i = 0; i < 80; i++) out[o + i] = c.charCodeAt(i) & 0xff;
      o += 80;
    }
    return out;
  }
}

function normKey(key: string): string {
  return key.trim().toUpperCase();
}

function latin1(bytes: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const b = bytes[start + i];
    s += String.fromCharCode(b === undefined ? 0x20 : b);
  }
  return s;
}

function chunk(text: string, n: number): string[] {
  if (text.length <= n) return [text];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
  return out;
}

// ---------------------------------------------------------------- parsing

/** Reads a quoted string starting at s[i] === "'"; returns [value, index after closing quote]. */
function readQuoted(s: string, i: number): [string, number] | null {
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const ch = s[j];
    if (ch === "'") {
      if (s[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return [out, j + 1];
    }
    out += ch;
    j++;
  }
  return null;
}

function parseValueField(field: string, key: string, warnings: string[]): { value: CardValue; comment?: string; valueText?: string } {
  const s = field;
  let i = 0;
  while (i < s.length && s[i] === ' ') i++;
  if (i >= s.length) return { value: null };
  if (s[i] === "'") {
    const q = readQuoted(s, i);
    if (!q) {
      warnings.push(`keyword ${key}: unterminated string value`);
      return { value: s.slice(i + 1).trimEnd() };
    }
    const rest = s.slice(q[1]);
    const slash = rest.indexOf('/');
    const comment = slash >= 0 ? rest.slice(slash + 1).trim() : undefined;
    return { value: q[0].replace(/ +$/, ''), comment };
  }
  if (s[i] === '/') return { value: null, comment: s.slice(i + 1).trim() };
  let tokenEnd: number;
  if (s[i] === '(') {
    const close = s.indexOf(')', i);
    tokenEnd = close >= 0 ? close + 1 : s.length;
  } else {
    const slash = s.indexOf('/', i);
    tokenEnd = slash >= 0 ? slash : s.length;
  }
  const token = s.slice(i, tokenEnd).trim();
  const rest = s.slice(tokenEnd);
  const slash = rest.indexOf('/');
  const comment = slash >= 0 ? rest.slice(slash + 1).trim() : undefined;
  if (token === 'T') return { value: true, comment };
  if (token === 'F') return { value: false, comment };
  if (/^[+-]?\d+$/.test(token)) return { value: Number(token), comment, valueText: token };
  if (/^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/.test(token)) {
    return { value: Number(token.replace(/[dD]/, 'E')), comment, valueText: token };
  }
  if (token.startsWith('(')) return { value: token, comment, valueText: token };
  warnings.push(`keyword ${key}: unparsable value '${token}' kept as text`);
  return { value: token, comment, valueText: token };
}

function parseCard(text: string, warnings: string[]): Card {
  const raw = [text];
  const rawKey = text.slice(0, 8);
  const keyTrim = rawKey.trim();
  if (keyTrim === 'HIERARCH') {
    // ESO HIERARCH convention: "HIERARCH A B C = value / comment"
    const body = text.slice(8);
    const eq = body.indexOf('=');
    if (eq > 0) {
      const key = body.slice(0, eq).trim().replace(/\s+/g, ' ').toUpperCase();
      const v = parseValueField(body.slice(eq + 1), key, warnings);
      return { key, value: v.value, comment: v.comment, valueText: v.valueText, raw };
    }
    return { key: 'HIERARCH', comment: body.trim(), raw };
  }
  const key = keyTrim.toUpperCase();
  if (keyTrim !== key || !KEY_RE.test(key) || (keyTrim !== '' && rawKey.trimStart() !== rawKey)) {
    warnings.push(`non-standard keyword '${keyTrim}' (tolerated)`);
  }
  if (COMMENTARY.has(key)) {
    return { key, comment: text.slice(8).trimEnd(), raw };
  }
  if (text.slice(8, 10) === '= ' || (text[8] === '=' && text.length === 9)) {
    const v = parseValueField(text.slice(10), key, warnings);
    return { key, value: v.value, comment: v.comment, valueText: v.valueText, raw };
  }
  if (text[8] === '=' && key !== 'CONTINUE') {
    // "KEY     ='value'": no blank after '=' (non-standard, tolerated like astropy)
    warnings.push(`keyword ${key}: no blank after '=' (tolerated)`);
    const v = parseValueField(text.slice(9), key, warnings);
    return { key, value: v.value, comment: v.comment, valueText: v.valueText };
  }
  if (key === 'CONTINUE') return { key, comment: text.slice(8).trimEnd(), raw };
  // A keyword without '= ' in columns 9-10 is commentary (§4.1.2.2); keep it as such.
  return { key, comment: text.slice(8).trimEnd(), raw };
}

function parseContinue(text: string): { value: string; comment?: string } {
  const s = text.slice(8);
  const i = s.indexOf("'");
  if (i < 0) return { value: '' };
  const q = readQuoted(s, i);
  if (!q) return { value: s.slice(i + 1).trimEnd() };
  const rest = s.slice(q[1]);
  const slash = rest.indexOf('/');
  return { value: q[0].replace(/ +$/, ''), comment: slash >= 0 ? rest.slice(slash + 1).trim() : undefined };
}

// ---------------------------------------------------------------- formatting

function isStandardKey(key: string): boolean {
  return KEY_RE.test(key);
}

function formatNumber(v: number, valueText?: string): string {
  if (valueText !== undefined && Number(valueText.replace(/[dD]/, 'E')) === v) return valueText;
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return String(v);
  let s = String(v).toUpperCase();
  if (!s.includes('.') && !s.includes('E')) s += '.0';
  if (s.includes('E') && !s.includes('.')) s = s.replace('E', '.0E');
  return s;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sanitize(s: string): string {
  // FITS headers are restricted to printable ASCII (§4.1.1).
  return s.replace(/[^\x20-\x7e]/g, '?');
}

function withComment(head: string, comment: string | undefined): string {
  if (!comment) return head.padEnd(80).slice(0, 80);
  const full = `${head} / ${sanitize(comment)}`;
  return (full.length > 80 ? full.slice(0, 80) : full).padEnd(80);
}

function formatCard(c: Card): string[] {
  const junk = c.value === undefined && !COMMENTARY.has(c.key);
  if (c.raw && !junk && isStandardKey(c.key) && !/[^\x20-\x7e]/.test(c.raw.join(''))) {
    // Unmodified standard card: write back exactly what was read.
    const head = c.raw[0].slice(0, 8);
    if (head.trim() === c.key || head.trim() === 'HIERARCH') return c.raw;
  }
  if (c.value === undefined) {
    const text = sanitize(c.comment ?? '');
    // Junk cards without '= ' (e.g. 'ESO-LOG 00:00:00> ...') are kept as COMMENT text.
    const key = !junk ? c.key : '';
    // A non-standard commentary key (e.g. 'ESO-LOG 00:00' junk) becomes a COMMENT card.
    const body = key ? text : `${c.key} ${text}`.trim();
    const k = key || 'COMMENT';
    const out: string[] = [];
    const parts = chunk(body, 72);
    for (const p of parts) out.push((k.padEnd(8) + p).padEnd(80));
    return out;
  }
  const hierarch = !isStandardKey(c.key);
  const prefix = hierarch ? `HIERARCH ${c.key} = ` : `${c.key.padEnd(8)}= `;
  if (prefix.length > 60 || /[^\x20-\x7e]/.test(c.key)) throw new FitsError(`keyword '${c.key}' is too long or not printable ASCII`);
  const v = c.value;
  if (typeof v === 'string' && !(c.valueText !== undefined && v === c.valueText && v.startsWith('('))) {
    const s = sanitize(v);
    const q = quote(s.padEnd(8));
    if (prefix.length + q.length <= 80) {
      // pad like astropy so comments line up at column 32
      return [withComment(prefix + (hierarch ? q : q.padEnd(20)), c.comment)];
    }
    // Long string: CONTINUE convention, each piece ending in '&' except the last.
    const out: string[] = [];
    let rest = s;
    let first = true;
    while (rest.length) {
      const room = first ? 80 - prefix.length - 3 : 80 - 10 - 3; // quotes + '&'
      let take = Math.min(rest.length, room);
      // do not split an escaped quote pair
      let piece = rest.slice(0, take);
      while (quote(piece).length + 1 > room + 2 && take > 1) {
        take--;
        piece = rest.slice(0, take);
      }
      rest = rest.slice(take);
      const body = quote(piece + (rest.length ? '&' : ''));
      const line = first ? prefix + body : `CONTINUE  ${body}`;
      out.push(rest.length ? line.padEnd(80) : withComment(line, c.comment));
      first = false;
    }
    return out;
  }
  let vt: string;
  if (v === null) vt = '';
  else if (typeof v === 'boolean') vt = v ? 'T' : 'F';
  else if (typeof v === 'number') vt = formatNumber(v, c.valueText);
  else vt = v;
  const head = hierarch ? prefix + vt : prefix + vt.padStart(20);
  if (head.length > 80) throw new FitsError(`card for ${c.key} does not fit in 80 characters`);
  return [withComment(head, c.comment)];
}
