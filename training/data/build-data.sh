#!/usr/bin/env bash
# Rebuild the foley-tiny training data from scratch (never committed; everything lands in training/work/).
#   training/data/build-data.sh [TRAIN_SAMPLES] [EVAL_SAMPLES]
# 1. licensed corpus (apt-get download + dpkg -x of small Debian packages, GitHub packs on disk: foley/corpus.py --github-sfx)
# 2. synthetic paired video/audio shards for the train split and the held-back eval split
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-/work/pyenv/bin/python}"
TRAIN_N="${1:-4000}"
EVAL_N="${2:-300}"
nice -n 10 "$PY" -m foley.corpus --out work/corpus
nice -n 10 "$PY" -m foley.dataset build --corpus work/corpus --out work/synth --n "$TRAIN_N" --duration-sec 5 --seed 0
nice -n 10 "$PY" -m foley.dataset build --corpus work/corpus --out work/synth --n "$EVAL_N" --duration-sec 5 --seed 1 --split eval
