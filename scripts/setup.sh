#!/usr/bin/env bash
# Installs what a fresh Debian 12 / Node 20 machine lacks, then the npm workspace.
# System packages: the Python training tool and the test references
# (python3-torch, astropy, onnx, numpy/scipy for fixtures; SExtractor for side-by-side tests;
# Chromium for the report's browser test; DejaVu fonts for rendered plots; redis-server for the
# BullMQ engine's tests, which start their own private instance on a random loopback port).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(python3-torch python3-astropy python3-onnx python3-numpy python3-scipy source-extractor chromium fonts-dejavu-core redis-server)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # onnxruntime-node's postinstall would download the CUDA providers (hundreds of MB) from NuGet; we
  # run on CPU. npm ≥ 11 skips it through package.json "allowScripts" (onnxruntime-node: false);
  # older npm reads this variable (onnxruntime-node script/install-utils.js parseInstallFlag).
  export ONNXRUNTIME_NODE_INSTALL=skip
  npm ci --no-audit --no-fund
fi
echo "setup: done"
