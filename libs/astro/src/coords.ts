// Sexagesimal formatting of ICRS coordinates, matching astropy's
// `Angle.to_string(unit=hour|deg, sep=':', precision=3|2, pad=True, alwayssign=True)`:
// RA "hh:mm:ss.sss" (wrapped into [0, 24h)), Dec "±dd:mm:ss.ss". Rounding happens on the
// smallest unit first so carries propagate (59.9999 s → next minute). Non-finite input → ''.

/** RA in degrees → "hh:mm:ss.sss". */
export function raToHms(ra: number): string {
  if (!Number.isFinite(ra)) return '';
  let s = (((ra % 360) + 360) % 360) / 15 * 3600;
  s = Math.round(s * 1000) / 1000;
  if (s >= 86400) s -= 86400;
  const h = Math.floor(s / 3600), m = Math.floor((s - h * 3600) / 60), sec = s - h * 3600 - m * 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(3).padStart(6, '0')}`;
}

/** Dec in degrees → "±dd:mm:ss.ss". */
export function decToDms(dec: number): string {
  if (!Number.isFinite(dec)) return '';
  const sign = dec < 0 ? '-' : '+';
  let s = Math.round(Math.abs(dec) * 3600 * 100) / 100;
  const d = Math.floor(s / 3600); s -= d * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return `${sign}${String(d).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}`;
}

/** (RA, Dec) in degrees → ["hh:mm:ss.sss", "±dd:mm:ss.ss"]. */
export function sexagesimal(ra: number, dec: number): [string, string] {
  return [raToHms(ra), decToDms(dec)];
}
