#!/usr/bin/env python3
"""Truth diagnostics of a kept closure survey (docs/census-real.md, issue 15).

Run the closure with --keep, then point this at the kept directory:
  npm run bench:survey -- --closure --deep 3 --medium 3 --size 256 --paths none --seed 4 --keep
  python3 libs/pipeline/bench/closure-diag/closure_truth.py truth     <kept-dir> none [--with-margin]
  python3 libs/pipeline/bench/closure-diag/closure_truth.py detect    <kept-dir> none deep
  python3 libs/pipeline/bench/closure-diag/closure_truth.py reselect  <kept-dir> none
  python3 libs/pipeline/bench/closure-diag/closure_truth.py migration <kept-dir> none <out.json>

truth:     per z bin and 0.5-mag bin of true M_UV, Σ C_model(M_true, z_true) over the field's true high-z galaxies
           against how many of them are selected (each candidate matched to the brightest true high-z galaxy
           within 0.12″); galaxies within 10 px of an edge (where no injection goes) are left out unless
           --with-margin.
detect:    fraction of the true high-z galaxies of one tier with a catalogue source within 0.1″, per 0.5 mag of
           the mean F277W/F356W/F444W magnitude (compare depth.json's injection curves).
reselect:  per field, for each selection in the cache: (candidates, own candidates found again within 0.12″, own).
migration: (z_true, M_true, M_obs) of the truth-matched candidates, for oracle.ts.
(What the candidates are, contamination at the sky's density: closure-diag/purity.ts, one implementation in closure-purity.ts.)
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
    else:
        sys.exit(f'unknown command {cmd}')
