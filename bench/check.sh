#!/usr/bin/env bash
# `mapc check SPEC` as a whole process (exec, load, parse, check, exit), for each spec in specs/.
# The goal: a mean under 5 ms wall on this machine (issue 10). A benchmark script, not a timed test.
#
#   bench/check.sh                 # release build, hyperfine when installed, 30 runs per spec
#   RUNS=100 bench/check.sh        # more runs
#   GOAL_MS=8 bench/check.sh       # another goal
#   NO_HYPERFINE=1 bench/check.sh  # force the plain bash timing loop
#   bench/check.sh specs/a.map …   # only these specs
#
# Exit 0 when every spec checks clean (exit 0) and meets the goal; 1 otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-3}
GOAL_MS=${GOAL_MS:-5}
BIN=./target/release/mapc

cargo build --release --quiet

if [[ $# -gt 0 ]]; then
    specs=("$@")
else
    shopt -s nullglob
    specs=(specs/*.map)
fi
if [[ ${#specs[@]} -eq 0 ]]; then
    echo "no specs to benchmark" >&2
    exit 1
fi

if [[ -z ${NO_HYPERFINE:-} ]] && command -v hyperfine >/dev/null 2>&1; then
    method="hyperfine"
else
    method="bash loop"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Prints "mean min max" in milliseconds for `mapc check SPEC`.
time_with_hyperfine() {
    local spec=$1
    hyperfine --style none --shell none --warmup "$WARMUP" --runs "$RUNS" \
        --export-csv "$tmp/out.csv" "$BIN check $spec" >/dev/null
    # command,mean,stddev,median,user,system,min,max (seconds)
    awk -F, 'NR == 2 { printf "%.2f %.2f %.2f\n", $2 * 1000, $7 * 1000, $8 * 1000 }' "$tmp/out.csv"
}

# The fallback: bash's own microsecond clock around each run (no process spawned to read it).
time_with_bash() {
    local spec=$1 i start end
    for ((i = 0; i < WARMUP; i++)); do
        "$BIN" check "$spec" >/dev/null 2>&1 || true
    done
    : >"$tmp/samples"
    for ((i = 0; i < RUNS; i++)); do
        start=${EPOCHREALTIME/[.,]/}
        "$BIN" check "$spec" >/dev/null 2>&1 || true
        end=${EPOCHREALTIME/[.,]/}
        echo $((end - start)) >>"$tmp/samples"
    done
    awk 'NR == 1 { min = $1; max = $1 }
         { sum += $1; if ($1 < min) min = $1; if ($1 > max) max = $1 }
         END { printf "%.2f %.2f %.2f\n", sum / NR / 1000, min / 1000, max / 1000 }' "$tmp/samples"
}

echo "mapc check, whole process: $method, $RUNS runs per spec, goal < ${GOAL_MS} ms mean"
echo "machine: $(nproc) cpu(s), $(uname -sr)"
echo
printf '%-32s %9s %9s %9s  %s\n' "spec" "mean ms" "min ms" "max ms" "result"
printf '%-32s %9s %9s %9s  %s\n' "----" "-------" "------" "------" "------"

failed=0
for spec in "${specs[@]}"; do
    name=$(basename "$spec")
    if ! "$BIN" check "$spec" >"$tmp/check.log" 2>&1; then
        printf '%-32s %9s %9s %9s  %s\n' "$name" "-" "-" "-" "FAIL (does not check clean)"
        sed 's/^/    /' "$tmp/check.log" | tail -20
        failed=1
        continue
    fi
    if [[ $method == hyperfine ]]; then
        read -r mean min max < <(time_with_hyperfine "$spec")
    else
        read -r mean min max < <(time_with_bash "$spec")
    fi
    if awk -v m="$mean" -v g="$GOAL_MS" 'BEGIN { exit !(m < g) }'; then
        result=PASS
    else
        result="FAIL (over ${GOAL_MS} ms)"
        failed=1
    fi
    printf '%-32s %9s %9s %9s  %s\n' "$name" "$mean" "$min" "$max" "$result"
done

exit "$failed"
