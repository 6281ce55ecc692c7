#!/usr/bin/env bash
# How mapc's cost grows with the data: the patient benchmark at ROWS and at ten times ROWS,
# run alternately, the median of $RUNS runs each (default 3). Prints wall time and peak memory
# of each and checks the issue's goals: ten times the rows in under 11× the time, with peak
# memory under 256 MiB.
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

times="$BENCH_DIR/scale.times"
: > "$times"
for _ in $(seq "$RUNS"); do
  for n in "$ROWS" "$BIG"; do
    rm -rf "$BENCH_DIR/out-scale"
    /usr/bin/time -f "$n %e %M" -a -o "$times" ./target/release/mapc run bench/patients.map \
      --data "$BENCH_DIR/data-$n" --target "dir:$BENCH_DIR/out-scale" >/dev/null 2>"$BENCH_DIR/scale.err" || {
      echo "mapc failed at $n rows:"; tail -5 "$BENCH_DIR/scale.err"; exit 1; }
  done
done
rm -rf "$BENCH_DIR/out-scale"

median() { grep "^$1 " "$times" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peak() { grep "^$1 " "$times" | awk '$3 > m {m = $3} END {print m}'; }
small=$(median "$ROWS"); big=$(median "$BIG"); big_peak=$(peak "$BIG")
ratio=$(awk "BEGIN { print $big / $small }")
printf '%12s %10s %12s\n' rows "wall (s)" "peak (MiB)"
printf '%12s %10s %12.1f\n' "$ROWS" "$small" "$(awk "BEGIN { print $(peak "$ROWS") / 1024 }")"
printf '%12s %10s %12.1f\n' "$BIG" "$big" "$(awk "BEGIN { print $big_peak / 1024 }")"
printf 'goal: 10× the rows in under 11× the time: %s (%.2f×)\n' \
  "$(awk "BEGIN { print ($ratio < 11) ? \"met\" : \"NOT met\" }")" "$ratio"
printf 'goal: peak memory at %s rows under 256 MiB: %s\n' "$BIG" \
  "$([ "$big_peak" -lt 262144 ] && echo met || echo NOT met)"
awk "BEGIN { exit !($ratio < 11 && $big_peak < 262144) }"
