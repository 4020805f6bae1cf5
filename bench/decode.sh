#!/usr/bin/env bash
# Decode benchmark on a 9B-width slice (hidden 4096, ffn 13696, 2 text layers, small vocab):
# STREAM bandwidth of this machine, then ./glm4v bench for tp 1 and tp 2 on 1 and 2 threads,
# interleaved ROUNDS times so that the noise of a shared machine hits every configuration alike.
# Usage: bench/decode.sh [SLICE_DIR] [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLICE="${1:-/tmp/glm4v-9b-slice}"
ROUNDS="${2:-3}"
OUT="${BENCH_OUT:-/tmp/glm4v-bench}"
mkdir -p "$OUT"
if [ ! -f "$SLICE/config.json" ]; then
  "$ROOT/glm4v" synth --out "$SLICE" --preset glm4v9b --layers 2 --vision-layers 1 --merges 300 --padded-vocab 640
fi
if command -v gcc >/dev/null; then
  gcc -O3 -march=native -fopenmp "$ROOT/bench/stream.c" -o "$OUT/stream"
  OMP_NUM_THREADS=1 "$OUT/stream" | sed 's/^/STREAM 1 thread:  /'
  OMP_NUM_THREADS=2 "$OUT/stream" | sed 's/^/STREAM 2 threads: /'
fi
for round in $(seq "$ROUNDS"); do
  for cfg in "1 1" "2 1" "1 2"; do
    set -- $cfg
    "$ROOT/glm4v" bench --model "$SLICE" --tp "$1" --threads "$2" --prompt-tokens 8 --decode-tokens 24 \
      --json "$OUT/tp$1-t$2-r$round.json" 2>/dev/null | grep -E "^(cards|decode|weight bandwidth)" | tr '\n' ' '
    echo
  done
done
