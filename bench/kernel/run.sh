#!/usr/bin/env bash
# Kernel benchmark, side by side in one run: connectome-kernel vs ipykernel vs xeus-python vs xeus-python
# in raw mode (no IPython layer: its fastest configuration).
# Uses the shared harness (../shared/bench/kernel_bench.py): cold start, execute round trip
# p50/p99, pipelined throughput, display round trip, RSS. Rounds alternate kernels.
# Usage: bench/kernel/run.sh [ROUNDS]     (make bench installs the peers into .venv first)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
HARNESS="${HARNESS:-$REPO/../shared/bench/kernel_bench.py}"
PY="${PY:-$REPO/.venv/bin/python}"
ROUNDS="${1:-3}"
OUT="${OUT:-$HERE/results}"
mkdir -p "$OUT"
[ -f "$HARNESS" ] || { echo "kernel_bench.py not found at $HARNESS (set HARNESS=...)" >&2; exit 1; }
export JUPYTER_PATH="$REPO/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
"$PY" -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || true
# Our kernel from this checkout's build (CK_BINARY), through a private kernelspec: the one installed in
# the venv may be another checkout's.
CK_BINARY="${CK_BINARY:-$REPO/.build/release/connectome-kernel}"
[ -x "$CK_BINARY" ] || { echo "$CK_BINARY not found: make build" >&2; exit 1; }
SPECS="$(mktemp -d)"
trap 'rm -rf "$SPECS"' EXIT
mkdir -p "$SPECS/connectome"
printf '{"argv": ["%s", "run", "-f", "{connection_file}"], "display_name": "Connectome", "language": "connectome"}\n' \
  "$CK_BINARY" > "$SPECS/connectome/kernel.json"

# The display cell shows a 1024x1024 EM section (~0.8 MB PNG) from the bundled sample dataset;
# setup reads it once so the timed runs measure a warm kernel, as the Python presets do.
CK_TRIVIAL='1'
CK_SETUP='let em = slice x=512 y=512 z=32 size=1024 layer=image_raw
show em'
CK_DISPLAY='show em'

stamp="$(date +%Y%m%d-%H%M%S)"
files=()
for r in $(seq 1 "$ROUNDS"); do
  for k in connectome python3 xpython xpython-raw; do
    f="$OUT/${stamp}_${k}_r${r}.json"
    echo "== round $r: $k" >&2
    case "$k" in
      connectome) "$PY" "$HARNESS" --kernel connectome --spec-dir "$SPECS" --label connectome-kernel \
                     --trivial "$CK_TRIVIAL" --setup "$CK_SETUP" --display "$CK_DISPLAY" --json-out "$f" >/dev/null ;;
      xpython-raw) "$PY" "$HARNESS" --kernel "$k" --preset python-raw --json-out "$f" >/dev/null ;;
      *)          "$PY" "$HARNESS" --kernel "$k" --preset python --json-out "$f" >/dev/null ;;
    esac || echo "!! $k round $r failed" >&2
    files+=("$f")
  done
done
"$PY" "$HARNESS" --compare "${files[@]}" | tee "$OUT/${stamp}_table.txt"
