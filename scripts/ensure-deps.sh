#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks, so `npm start` and `npm test` are the only set-up commands.
# Usage: scripts/ensure-deps.sh app|test
set -euo pipefail
cd "$(dirname "$0")/.."
need="${1:-app}"

# onnxruntime-node's install script downloads from the internet; its CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
# `npm install`, not `npm ci`: npm 11 leaves other platforms' optional binaries (@napi-rs/webcodecs-*, @rollup/*)
# out of the lock file and `npm ci` then refuses it as out of sync; install still honours the locked versions.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
# The CLI runs built JavaScript; bin/foley.js also rebuilds it whenever a source is newer than the build.
node scripts/build-cli.js --if-stale

[ "$need" = test ] || exit 0

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import jsonschema, numpy, onnx, onnxruntime, pytest, ruff, scipy, soundfile, torch' 2>/dev/null; then
  # A Debian-managed python3 refuses plain pip installs (PEP 668); these pinned test tools may go beside its packages.
  # torch included: the Python halves of the shared fixtures must run, not skip (training/tests/conftest.py).
  python3 -m pip install -q -r training/requirements-ci.txt \
    || python3 -m pip install -q --break-system-packages -r training/requirements-ci.txt
fi
