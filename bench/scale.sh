#!/usr/bin/env bash
# How mapc's cost grows with the data, beside the hand-tuned floor's: the patient benchmark at
# ROWS and at ten times ROWS, each tool at each size in turn, the median of $RUNS runs (default
# 3). Prints wall time and peak memory of each and checks the issue's goals: mapc's time grows
# no faster than the floor's (at ten times the rows the disk, not the code, sets the pace, so
# the floor's growth is the yardstick), with peak memory under 256 MiB at ten times the rows.
# usage: bench/scale.sh [ROWS]   (default 1000000; data is generated once under $BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
BIG=$((ROWS * 10))
SHARED=${SHARED:-../shared/bench}
BENCH_DIR=${BENCH_DIR:-/tmp/mapc-bench}
RUNS=${RUNS:-3}
mkdir -p "$BENCH_DIR"
for n in "$ROWS" "$BIG"; do
  [ -f "$BENCH_DIR/data-$n/patients.csv" ] || python3 "$SHARED/gen_patients.py" "$BENCH_DIR/data-$n" "$n"
done
cargo build --release -q
# The floor is built in our own target directory: shared/ is read-only material.
cargo build --release -q --manifest-path "$SHARED/floor/Cargo.toml" --target-dir "$BENCH_DIR/floor-target"
FLOOR="$BENCH_DIR/floor-target/release/floor"

times="$BENCH_DIR/scale.times"
: > "$times"
run_one() { # tool, rows: appends "tool rows wall peak-KiB" to $times
  local tool=$1 n=$2 out="$BENCH_DIR/out-scale"
  rm -rf "$out"
  # The last run's gigabytes still being written back would slow this one: start from a quiet
  # disk, as every run should.
  sync
  local cmd=("$FLOOR" "$BENCH_DIR/data-$n" "$out")
  [ "$tool" = mapc ] && cmd=(./target/release/mapc run bench/patients.map --data "$BENCH_DIR/data-$n" --target "dir:$out")
  /usr/bin/time -f "$tool $n %e %M" -a -o "$times" "${cmd[@]}" >/dev/null 2>"$BENCH_DIR/scale.err" || {
    echo "$tool failed at $n rows:"; tail -5 "$BENCH_DIR/scale.err"; exit 1; }
}
for _ in $(seq "$RUNS"); do
  for n in "$ROWS" "$BIG"; do
    run_one floor "$n"
    run_one mapc "$n"
  done
done
rm -rf "$BENCH_DIR/out-scale"

median() { grep "^$1 $2 " "$times" | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peak() { grep "^$1 $2 " "$times" | awk '$4 > m {m = $4} END {print m}'; }
printf '%-6s %12s %10s %12s
' tool rows "wall (s)" "peak (MiB)"
for tool in floor mapc; do
  for n in "$ROWS" "$BIG"; do
    printf '%-6s %12s %10s %12.1f
' "$tool" "$n" "$(median $tool "$n")" "$(awk "BEGIN { print $(peak $tool "$n") / 1024 }")"
  done
done
floor_growth=$(awk "BEGIN { print $(median floor "$BIG") / $(median floor "$ROWS") }")
mapc_growth=$(awk "BEGIN { print $(median mapc "$BIG") / $(median mapc "$ROWS") }")
big_peak=$(peak mapc "$BIG")
printf 'growth from %s to %s rows: floor %.2f×, mapc %.2f×\n' "$ROWS" "$BIG" "$floor_growth" "$mapc_growth"
printf "goal: mapc's time grows no faster than the floor's: %s\n" \
  "$(awk "BEGIN { print ($mapc_growth <= $floor_growth) ? \"met\" : \"NOT met\" }")"
printf 'goal: peak memory at %s rows under 256 MiB: %s\n' "$BIG" \
  "$([ "$big_peak" -lt 262144 ] && echo met || echo NOT met)"
awk "BEGIN { exit !($mapc_growth <= $floor_growth && $big_peak < 262144) }"
