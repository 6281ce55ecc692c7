#!/usr/bin/env bash
# The patient benchmark, side by side: mapc (bench/patients.map) against the hand-tuned Rust floor
# and the peers in ../shared/bench (Python csv, Polars, DuckDB, Miller: each runs when installed).
# Prints wall time, peak memory and the ratio to the floor, checks that mapc's records and rejects
# are the floor's under canon.py, and compares with the issue's goals.
# usage: bench/run.sh [ROWS]   (default 1000000; data is generated once under $BENCH_DIR)
# Wall times are the median of $RUNS runs (default 3, as in ../shared/bench/README.md) for the
# floor, mapc, Polars and DuckDB; Python and Miller, ten times slower and more, run once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
SHARED=${SHARED:-../shared/bench}
BENCH_DIR=${BENCH_DIR:-/tmp/mapc-bench}
DATA="$BENCH_DIR/data-$ROWS"
mkdir -p "$BENCH_DIR"

[ -f "$DATA/patients.csv" ] || python3 "$SHARED/gen_patients.py" "$DATA" "$ROWS"
cargo build --release -q
# The floor is built in our own target directory: shared/ is read-only material.
cargo build --release -q --manifest-path "$SHARED/floor/Cargo.toml" --target-dir "$BENCH_DIR/floor-target"
FLOOR="$BENCH_DIR/floor-target/release/floor"

RUNS=${RUNS:-3}
declare -A WALL MEM
measure() { # name, runs, out dir, command...: median wall, highest peak memory
  local name=$1 runs=$2 out=$3; shift 3
  local walls=() peak=0 w m
  for _ in $(seq "$runs"); do
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/$name.time" "$@" >/dev/null 2>"$BENCH_DIR/$name.err" || {
      echo "$name failed:"; tail -5 "$BENCH_DIR/$name.err"; return 1; }
    read -r w m < "$BENCH_DIR/$name.time"
    walls+=("$w"); [ "$m" -gt "$peak" ] && peak=$m
  done
  WALL[$name]=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  MEM[$name]=$peak
}

measure floor "$RUNS" "$BENCH_DIR/out-floor" "$FLOOR" "$DATA" "$BENCH_DIR/out-floor"
measure mapc "$RUNS" "$BENCH_DIR/out-mapc" ./target/release/mapc run bench/patients.map --data "$DATA" --target "dir:$BENCH_DIR/out-mapc"
measure python 1 "$BENCH_DIR/out-python" python3 "$SHARED/py_csv.py" "$DATA" "$BENCH_DIR/out-python"
python3 -c "import polars" 2>/dev/null && measure polars "$RUNS" "$BENCH_DIR/out-polars" python3 "$SHARED/pl.py" "$DATA" "$BENCH_DIR/out-polars"
python3 -c "import duckdb" 2>/dev/null && measure duckdb "$RUNS" "$BENCH_DIR/out-duckdb" python3 "$SHARED/duck.py" "$DATA" "$BENCH_DIR/out-duckdb"
command -v mlr >/dev/null && measure miller 1 "$BENCH_DIR/out-miller" bash "$SHARED/mlr.sh" "$DATA" "$BENCH_DIR/out-miller"

# mapc writes an id on each record and richer reject lines: project both to the peers' shape.
python3 - "$BENCH_DIR/out-mapc" <<'PY'
import json, sys
d = sys.argv[1]
with open(f"{d}/person.jsonl") as f, open(f"{d}/person.peer.jsonl", "w") as o:
    for l in f:
        r = json.loads(l); r.pop("id", None); o.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(f"{d}/_rejected.jsonl") as f, open(f"{d}/rejects.peer.jsonl", "w") as o:
    for l in f:
        r = json.loads(l); o.write(json.dumps({"key": r["key"], "reason": r["reason"]}) + "\n")
PY
same=yes
for pair in "person.jsonl person.peer.jsonl" "rejects.jsonl rejects.peer.jsonl"; do
  set -- $pair
  a=$(python3 "$SHARED/canon.py" "$BENCH_DIR/out-floor/$1" | md5sum)
  b=$(python3 "$SHARED/canon.py" "$BENCH_DIR/out-mapc/$2" | md5sum)
  [ "$a" = "$b" ] || same=no
done

calc() { awk "BEGIN { print $1 }"; }

printf '\n%-8s %10s %12s %14s\n' tool "wall (s)" "peak (MiB)" "× floor"
for t in floor mapc python polars duckdb miller; do
  [ -n "${WALL[$t]:-}" ] || continue
  printf '%-8s %10s %12.1f %14.2f\n' "$t" "${WALL[$t]}" "$(calc "${MEM[$t]} / 1024")" "$(calc "${WALL[$t]} / ${WALL[floor]}")"
done
ratio=$(calc "${WALL[mapc]} / ${WALL[floor]}")
echo
echo "records and rejects identical to the floor under canon.py: $same"
printf 'goal: mapc within 1.3× the floor: %s (%.2f×)\n' "$([ "$(calc "($ratio <= 1.3)")" = 1 ] && echo met || echo NOT met)" "$ratio"
printf 'goal: peak memory under 64 MiB: %s\n' "$([ "${MEM[mapc]}" -lt 65536 ] && echo met || echo NOT met)"
for peer in polars duckdb; do
  [ -n "${WALL[$peer]:-}" ] || continue
  printf 'goal: ahead of %s by 1.8×: %s (%.2f×)\n' "$peer" "$([ "$(calc "(${WALL[$peer]} / ${WALL[mapc]} >= 1.8)")" = 1 ] && echo met || echo NOT met)" "$(calc "${WALL[$peer]} / ${WALL[mapc]}")"
done
[ "$same" = yes ]
