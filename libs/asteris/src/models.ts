// Model names → ONNX files.
//  lite      data/models/asteris-lite.onnx (trained by apps/asteris-train, committed)
//  lite-art  data/models/asteris-lite-art.onnx: ASTERIS-lite trained on stacks with real NIRCam artefacts
//            (apps/asteris-train recipe_art; data/models/README.md). Not the default (see that README).
//  lite-clean data/models/asteris-lite-clean.onnx: the same network trained supervised to remove artefacts only
//            (recipe_clean; an experiment: matches the co-add's depth, does not beat it). Not the default.
//  lite-null data/models/asteris-lite-null.onnx: the null-space network (issue 14; apps/asteris-train
//            lite_net.AsterisNull, recipe_null): output = the super-frames' mean + Δ(residual frames), so a
//            static sky passes with unit gain and only noise predictable from the residuals is removed.
//  asteris4  the official ASTERIS4 checkpoint converted to ONNX by the user (see docs/asteris.md):
//  asteris8    $ASTERIS8_ONNX / $ASTERIS4_ONNX if set, else in $ASTERIS_MODEL_DIR (default data/models/)
//              asteris8_nrcshort.onnx / asteris8_nrclong.onnx by band (SW < 2.5 µm, LW ≥ 2.5 µm),
//              then asteris8.onnx.
//  *.onnx    any file with the same I/O: input [B, 1, T, H, W] → output [B, 1, T, H, W].
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsterisError } from './errors.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEFAULT_MODEL_DIR = resolve(REPO_ROOT, 'data/models');

export interface ResolvedModel {
  /** the name the user gave ('lite', 'lite-art', 'asteris8', or the file path) */
  name: string;
  path: string;
  /** first 16 hex digits of the file's SHA-256 */
  sha256: string;
  /** default tile edge for this model on CPU */
  defaultTile: number;
}

/** SW/LW from a NIRCam filter name: 'F277W' → 'nrclong' (centre ≥ 2.5 µm), 'F115W' → 'nrcshort'. */
export function nircamChannel(band: string | undefined): 'nrcshort' | 'nrclong' | undefined {
  const m = band?.toUpperCase().match(/^F(\d{3})[WMN]\d?$/);
  if (!m) return undefined;
  return Number(m[1]) >= 250 ? 'nrclong' : 'nrcshort';
}

export function modelCandidates(name: string, band?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (name === 'lite') return [env.ASTERIS_LITE_ONNX ?? resolve(env.ASTERIS_MODEL_DIR ?? DEFAULT_MODEL_DIR, 'asteris-lite.onnx')];
  if (name === 'lite-art') return [env.ASTERIS_LITE_ART_ONNX ?? resolve(env.ASTERIS_MODEL_DIR ?? DEFAULT_MODEL_DIR, 'asteris-lite-art.onnx')];
  if (name === 'lite-null') return [env.ASTERIS_LITE_NULL_ONNX ?? resolve(env.ASTERIS_MODEL_DIR ?? DEFAULT_MODEL_DIR, 'asteris-lite-null.onnx')];
  if (name === 'lite-clean') return [resolve(env.ASTERIS_MODEL_DIR ?? DEFAULT_MODEL_DIR, 'asteris-lite-clean.onnx')];
  if (name === 'asteris4' || name === 'asteris8') {
    const explicit = env[`${name.toUpperCase()}_ONNX`];
    if (explicit) return [resolve(explicit)];
    const dir = env.ASTERIS_MODEL_DIR ?? DEFAULT_MODEL_DIR;
    const ch = nircamChannel(band);
    return [...(ch ? [resolve(dir, `${name}_${ch}.onnx`)] : []), resolve(dir, `${name}.onnx`)];
  }
  return [resolve(name)];
}

export function resolveModel(name: string, band?: string, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const cands = modelCandidates(name, band, env);
  const path = cands.find((p) => existsSync(p) && statSync(p).isFile());
  if (!path) {
    if (name === 'asteris4' || name === 'asteris8') {
      throw new AsterisError(
        `${name} model not found (looked for ${cands.join(', ')}). Download the official ${name.toUpperCase()} checkpoint ` +
          `(Zenodo 10.5281/zenodo.17114980) and convert it: PYTHONPATH=apps/asteris-train /usr/bin/python3 -m asteris_train convert ` +
          `<checkpoint.pth> --arch ${name} --out ${cands[cands.length - 1]} (or set ${name.toUpperCase()}_ONNX / ASTERIS_MODEL_DIR).`,
      );
    }
    if (name === 'lite') throw new AsterisError(`ASTERIS-lite model not found at ${cands[0]} (set ASTERIS_LITE_ONNX or ASTERIS_MODEL_DIR)`);
    if (name === 'lite-art') throw new AsterisError(`ASTERIS-lite-art model not found at ${cands[0]} (set ASTERIS_LITE_ART_ONNX or ASTERIS_MODEL_DIR)`);
    if (name === 'lite-null') throw new AsterisError(`ASTERIS-lite-null model not found at ${cands[0]} (set ASTERIS_LITE_NULL_ONNX or ASTERIS_MODEL_DIR)`);
    if (name === 'lite-clean') throw new AsterisError(`ASTERIS-lite-clean model not found at ${cands[0]} (set ASTERIS_MODEL_DIR)`);
    throw new AsterisError(`model file not found (use lite, lite-art, lite-null, lite-clean, asteris4, asteris8 or a path to an .onnx file)`, name);
  }
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  // 256² for every model: ASTERIS4/8 need ≈ 1.1/1.9 GB per 256² tile (T = 8 MDTA activations); lite
  // is fastest at 256² on 2 cores (6.4 vs 11.7 µs/px at 512², docs/asteris.md) with no measurable seams
  const defaultTile = 256;
  return { name, path, sha256, defaultTile };
}

/**
 * The model of every band (issue 14): `resolveModel(name, band)` per band — SW and LW bands get their
 * own ASTERIS4/8 files (`<name>_nrcshort.onnx` / `<name>_nrclong.onnx`) — with a cache key that holds
 * every band's model hash. Call this once per run and pass `models.get(band).path` to denoiseStack
 * for each band (never the first band's model for all bands).
 */
export function resolveModelsPerBand(name: string, bands: string[], env: NodeJS.ProcessEnv = process.env): { models: Map<string, ResolvedModel>; cacheKey: string } {
  const models = new Map<string, ResolvedModel>();
  for (const b of bands) models.set(b, resolveModel(name, b, env));
  const cacheKey = bands.map((b) => `${b}:${models.get(b)!.sha256}`).join(',');
  return { models, cacheKey };
}
