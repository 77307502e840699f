import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { raToHms, decToDms, sexagesimal } from '../src/index.ts';

describe('sexagesimal coordinates', () => {
  it('agree with astropy Angle.to_string, including rounding carries and signs', () => {
    const vals: [number, number][] = [
      [150.1191667, 2.2058333], [53.1625, -27.7913889], [0.0001, -0.5], [34.5, -5.25], [15, 10.999999999],
      [214.99999999, -0.0000001], [189.2283, 62.2161], [3.5833333, -30.3999999], [-10, -89.99999999], [719.5, 45.123456],
    ];
    const py = `import json,sys
from astropy.coordinates import Angle
import astropy.units as u
out=[]
for ra,dec in json.load(sys.stdin):
    out.append([Angle(ra*u.deg).wrap_at(360*u.deg).to_string(u.hour,sep=':',precision=3,pad=True),Angle(dec*u.deg).to_string(sep=':',precision=2,alwayssign=True,pad=True)])
print(json.dumps(out))`;
    const ref = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify(vals) }).toString()) as string[][];
    vals.forEach(([ra, dec], i) => {
      expect(raToHms(ra)).toBe(ref[i]![0]);
      // astropy keeps the sign of a negative value that rounds to zero
      expect(decToDms(dec)).toBe(ref[i]![1]);
      expect(sexagesimal(ra, dec)).toEqual([raToHms(ra), decToDms(dec)]);
    });
  });

  it('wraps RA that rounds up to 24h and gives empty strings for non-finite input', () => {
    expect(raToHms(359.9999999)).toBe('00:00:00.000');
    expect(sexagesimal(NaN, Infinity)).toEqual(['', '']);
  });
});
