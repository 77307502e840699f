#!/usr/bin/env python3
"""Truth diagnostics of a kept closure survey (docs/census-real.md, issue 15).

Run the closure with --keep, then point this at the kept directory:
  npm run bench:survey -- --closure --deep 3 --medium 3 --size 256 --paths none --seed 4 --keep
  python3 libs/pipeline/bench/closure-diag/closure_truth.py truth     <kept-dir> none [--with-margin]
  python3 libs/pipeline/bench/closure-diag/closure_truth.py detect    <kept-dir> none deep
  python3 libs/pipeline/bench/closure-diag/closure_truth.py reselect  <kept-dir> none
  python3 libs/pipeline/bench/closure-diag/closure_truth.py migration <kept-dir> none <out.json>
  python3 libs/pipeline/bench/closure-diag/closure_truth.py purity    <kept-or-saved-dir> none

truth:     per z bin and 0.5-mag bin of true M_UV, Σ C_model(M_true, z_true) over the field's true high-z galaxies
           against how many of them are selected (each candidate matched to the brightest true high-z galaxy
           within 0.12″); galaxies within 10 px of an edge (where no injection goes) are left out unless
           --with-margin.
detect:    fraction of the true high-z galaxies of one tier with a catalogue source within 0.1″, per 0.5 mag of
           the mean F277W/F356W/F444W magnitude (compare depth.json's injection curves).
reselect:  per field, for each selection in the cache: (candidates, own candidates found again within 0.12″, own).
migration: (z_true, M_true, M_obs) of the truth-matched candidates, for oracle.ts.
purity:    what each tier's candidates are (each matched to the truth within 0.12″: a high-z galaxy if one is there,
           else the brightest other source, else none = spurious), and the contamination the selection would have at
           the sky's own density: the high-z population is oversampled k×, interlopers are not, so with the truth's
           weights (1/k for high-z, 1 for the rest) f_cont = Σw(interlopers) / Σw(all). Works on a --save directory.
"""
import csv, glob, json, math, sys

EDGE = 10  # px: the injections' margin (libs/sim inject.ts)
ZBINS = [(8.5, 9.5), (9.5, 10.5), (10.5, 13)]


def rows(path):
    return list(csv.DictReader(open(path)))


def fields(root, path):
    out = f'{root}/out-{path}'
    for t in sorted(glob.glob(f'{root}/fields/*/truth.csv')):
        name = t.split('/')[-2]
        yield name, out, rows(t)


def sep(a, b, cosd):
    return math.hypot((float(a['ra']) - float(b['ra'])) * cosd, float(a['dec']) - float(b['dec'])) * 3600


def brightest_match(cand, hz, cosd, r=0.12):
    best = None
    for t in hz:
        if sep(cand, t, cosd) < r and (best is None or float(t['M_UV']) < float(best['M_UV'])):
            best = t
    return best


def logistic(m, f):
    return f['cMax'] / (1 + math.exp((m - f['x50']) / f['width']))


def zbin(z):
    return next((k for k, (a, b) in enumerate(ZBINS) if a <= z < b), None)


def truth(root, path, with_margin=False):
    exp, sel = {}, {}
    for name, out, truth_rows in fields(root, path):
        comp = json.load(open(f'{out}/{name}/completeness.json'))
        size = json.load(open(f'{root}/fields/{name}/field.json')).get('width', 256)
        hz = [t for t in truth_rows if t['kind'] == 'highz']
        if not with_margin:
            hz = [t for t in hz if EDGE <= float(t['x']) <= size - 1 - EDGE and EDGE <= float(t['y']) <= size - 1 - EDGE]
        cosd = math.cos(math.radians(float(truth_rows[0]['dec'])))
        ze = comp['zEdges']
        for t in hz:
            z, M = float(t['z']), float(t['M_UV'])
            zi = next((i for i in range(len(ze) - 1) if ze[i] <= z < ze[i + 1]), None)
            k = zbin(z)
            if zi is None or k is None:
                continue
            key = (k, math.floor(M * 2) / 2)
            exp[key] = exp.get(key, 0) + logistic(M, comp['model']['fits'][zi])
        ids = {id(t) for t in hz}
        for c in rows(f'{out}/{name}/candidates/candidates.csv'):
            t = brightest_match(c, hz, cosd)
            if t is None or id(t) not in ids or zbin(float(t['z'])) is None:
                continue
            key = (zbin(float(t['z'])), math.floor(float(t['M_UV']) * 2) / 2)
            sel[key] = sel.get(key, 0) + 1
    for k, (a, b) in enumerate(ZBINS):
        keys = sorted(x for x in set(exp) | set(sel) if x[0] == k and (exp.get(x, 0) > 0.3 or sel.get(x, 0)))
        print(f'z {a}-{b}: ' + ' '.join(f'{x[1]}:{exp.get(x, 0):.1f}/{sel.get(x, 0)}' for x in keys))
        e = sum(v for x, v in exp.items() if x[0] == k)
        s = sum(v for x, v in sel.items() if x[0] == k)
        faint = [x for x in set(exp) | set(sel) if x[0] == k and x[1] >= -18.5]
        print(f'  expected {e:.1f} selected {s}; fainter than -18.5: expected {sum(exp.get(x, 0) for x in faint):.1f} selected {sum(sel.get(x, 0) for x in faint)}')


def detect(root, path, tier):
    edges = [25.5 + 0.5 * k for k in range(11)]
    tot, det = {}, {}
    for name, out, truth_rows in fields(root, path):
        if not name.startswith(tier):
            continue
        cat = rows(f'{out}/{name}/catalogue.csv')
        hz = [t for t in truth_rows if t['kind'] == 'highz']
        cosd = math.cos(math.radians(float(hz[0]['dec'])))
        for t in hz:
            f = sum(float(t[f'flux_{b}']) for b in ('F277W', 'F356W', 'F444W')) / 3
            if f <= 0:
                continue
            m = -2.5 * math.log10(f * 1e-9 / 3631)
            k = next((i for i in range(len(edges) - 1) if edges[i] <= m < edges[i + 1]), None)
            if k is None:
                continue
            tot[k] = tot.get(k, 0) + 1
            if any(sep(c, t, cosd) < 0.1 for c in cat):
                det[k] = det.get(k, 0) + 1
    print(' '.join(f'{edges[k] + 0.25}:{det.get(k, 0)}/{tot[k]}={det.get(k, 0) / tot[k]:.2f}' for k in sorted(tot)))


def reselect(root, path):
    out = f'{root}/out-{path}'
    mains = {d.split('/')[-3]: rows(d) for d in glob.glob(f'{out}/*/candidates/candidates.csv')}
    res = {}
    for f in glob.glob(f'{out}/cache/select/*/candidates.csv'):
        cs = rows(f)
        if not cs:
            continue
        name = max(mains, key=lambda n: sum(1 for a in cs for b in mains[n] if abs(float(a['ra']) - float(b['ra'])) < 0.01 and abs(float(a['dec']) - float(b['dec'])) < 0.01))
        m = mains[name]
        cosd = math.cos(math.radians(float(m[0]['dec']))) if m else 1
        found = sum(1 for b in m if any(sep(a, b, cosd) < 0.12 for a in cs))
        res.setdefault(name, []).append((len(cs), found, len(m)))
    for n in sorted(res):
        print(n, sorted(res[n]))


def migration(root, path, dest):
    res = {}
    for name, out, truth_rows in fields(root, path):
        hz = [t for t in truth_rows if t['kind'] == 'highz']
        cosd = math.cos(math.radians(float(truth_rows[0]['dec'])))
        res[name] = []
        for c in rows(f'{out}/{name}/candidates/candidates.csv'):
            t = brightest_match(c, hz, cosd)
            if t is not None:
                res[name].append({'z': float(t['z']), 'M': float(t['M_UV']), 'Mobs': float(c['muv'])})
    json.dump(res, open(dest, 'w'))


def any_match(cand, objs, cosd, r=0.12):
    best = None
    for t in objs:
        if sep(cand, t, cosd) < r:
            m = min((float(v) for k, v in t.items() if k.startswith('mag_') and v), default=99)
            if best is None or m < best[0]:
                best = (m, t)
    return best[1] if best else None


def purity(root, path):
    tiers = {}
    for name, out, truth_rows in fields(root, path):
        tier = name.rstrip('0123456789')
        hz = [t for t in truth_rows if t['kind'] == 'highz']
        rest = [t for t in truth_rows if t['kind'] != 'highz']
        cosd = math.cos(math.radians(float(truth_rows[0]['dec'])))
        k = round(1 / float(hz[0]['weight'])) if hz else 1
        st = tiers.setdefault(tier, {'fields': 0, 'k': k, 'n': 0, 'highz': 0, 'kinds': {}, 'w_hz': 0.0, 'w_int': 0.0, 'lowz_z': []})
        st['fields'] += 1
        for c in rows(f'{out}/{name}/candidates/candidates.csv'):
            st['n'] += 1
            t = brightest_match(c, hz, cosd)
            if t is not None:
                st['highz'] += 1
                st['w_hz'] += float(t['weight'])
                continue
            o = any_match(c, rest, cosd)
            kind = o['kind'] if o is not None else 'spurious'
            st['kinds'][kind] = st['kinds'].get(kind, 0) + 1
            st['w_int'] += float(o['weight']) if o is not None else 1.0
            if o is not None and o['kind'] == 'lowz':
                st['lowz_z'].append(float(o['z']))
    tot = {'n': 0, 'highz': 0, 'w_hz': 0.0, 'w_int': 0.0, 'kinds': {}}
    for tier, st in sorted(tiers.items()):
        f = st['w_int'] / (st['w_int'] + st['w_hz']) if st['w_int'] + st['w_hz'] > 0 else float('nan')
        kinds = ', '.join(f'{k} {v}' for k, v in sorted(st['kinds'].items())) or 'none'
        zs = ' '.join(f'{z:.2f}' for z in sorted(st['lowz_z']))
        print(f'{tier}: {st["fields"]} fields (high-z ×{st["k"]}), {st["n"]} candidates: {st["highz"]} true high-z '
              f'(= {st["w_hz"]:.2f} at the sky\'s density), interlopers {kinds}{f" (z {zs})" if zs else ""}; '
              f'contamination as drawn {1 - st["highz"] / st["n"] if st["n"] else float("nan"):.3f}, at the sky\'s density {f:.3f}')
        for key in ('n', 'highz', 'w_hz', 'w_int'):
            tot[key] += st[key]
        for kk, v in st['kinds'].items():
            tot['kinds'][kk] = tot['kinds'].get(kk, 0) + v
    f = tot['w_int'] / (tot['w_int'] + tot['w_hz']) if tot['w_int'] + tot['w_hz'] > 0 else float('nan')
    ni = sum(tot['kinds'].values())
    print(f'all: {tot["n"]} candidates, {tot["highz"]} true high-z (= {tot["w_hz"]:.2f} at the sky\'s density), {ni} interlopers; '
          f'contamination at the sky\'s density {f:.3f}')


if __name__ == '__main__':
    cmd, root, path, *rest = sys.argv[1:]
    if cmd == 'truth':
        truth(root, path, '--with-margin' in rest)
    elif cmd == 'detect':
        detect(root, path, rest[0])
    elif cmd == 'reselect':
        reselect(root, path)
    elif cmd == 'migration':
        migration(root, path, rest[0])
    elif cmd == 'purity':
        purity(root, path)
    else:
        sys.exit(f'unknown command {cmd}')
