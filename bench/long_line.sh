#!/usr/bin/env bash
# `mapc check` on one long bad line (issue 12, item 4): the `x x x …` column line of the issue
# with 2,000 / 8,000 / 80,000 words, just under the 500,000-word limit, and lines filling the
# 4 MiB file limit (the same words, refused by the word limit before any parse;
# tokens mixed with printable garbage), each in text and `--format json`. Prints the wall time
# and the output size of each against the goal: well under a second (GOAL_MS, 500 by default)
# and bounded output (at most MAX_OUT_KB, 64 KiB of text / 256 KiB of JSON).
# A benchmark script, not a timed test: tests/bounded.rs checks the bounds, not the clock.
#
#   bench/long_line.sh              # release build, best of RUNS (3) runs per input
#   GOAL_MS=250 bench/long_line.sh  # another goal
#
# Exit 0 when every input meets the goal; 1 otherwise.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS=${RUNS:-3}
GOAL_MS=${GOAL_MS:-500}
BIN=./target/release/mapc

cargo build --release --quiet

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" <<'PY'
import random, sys
out = sys.argv[1]
limit = 4 * 1024 * 1024
head = 'migration "t" { to twenty }\nsource P from "p.csv" key id { id text '
for n in (2000, 8000, 80000):
    open(f"{out}/x{n}.map", "w").write(head + " ".join(["x"] * n) + " }\n")
words = ("x " * ((limit - 200) // 2)).rstrip()
open(f"{out}/x-4mib.map", "w").write(head + words + " }\n")
# Just under the word limit (500,000): the most a file may make the parser and checker do.
open(f"{out}/x-limit.map", "w").write(head + " ".join(["x"] * 499_900) + " }\n")
random.seed(12)
tokens = ["x", "x text", "id int", "{", "}", "(", ")", "=", "->", "??", "|", '"s"', "1.5",
          "`q q`", "if", "then", "else", "[", "]", ",", ":", ".", "é", "on empty reject",
          "date", "source", "map"]
parts, size = [], len(head)
while size < limit - 200:
    if random.random() < 0.3:
        t = "".join(chr(random.randint(33, 126)) for _ in range(random.randint(1, 8)))
    else:
        t = random.choice(tokens)
    parts.append(t)
    size += len(t.encode()) + 1
open(f"{out}/garbage-4mib.map", "w").write(head + " ".join(parts) + "\n")
PY

# Best wall time in ms of RUNS runs of `mapc check FILE [--format json]`, and the output's size.
run() {
    local spec=$1 fmt=$2 best= i start end
    for ((i = 0; i < RUNS; i++)); do
        start=${EPOCHREALTIME/[.,]/}
        "$BIN" check --format "$fmt" "$spec" >"$tmp/out" 2>&1 || true
        end=${EPOCHREALTIME/[.,]/}
        local us=$((end - start))
        if [[ -z $best || $us -lt $best ]]; then best=$us; fi
    done
    echo "$((best / 1000)) $(($(stat -c%s "$tmp/out") / 1024))"
}

echo "mapc check on one long line: best of $RUNS runs, goal < ${GOAL_MS} ms, bounded output"
echo "machine: $(nproc) cpu(s), $(uname -sr)"
echo
printf '%-18s %-5s %8s %8s  %s\n' "input" "fmt" "ms" "KiB out" "result"
printf '%-18s %-5s %8s %8s  %s\n' "-----" "---" "--" "-------" "------"
failed=0
for name in x2000 x8000 x80000 x-limit x-4mib garbage-4mib; do
    for fmt in text json; do
        read -r ms kb < <(run "$tmp/$name.map" "$fmt")
        max_kb=64
        [[ $fmt == json ]] && max_kb=256
        result=PASS
        if ((ms >= GOAL_MS)); then
            result="FAIL (over ${GOAL_MS} ms)"
            failed=1
        elif ((kb >= max_kb)); then
            result="FAIL (over ${max_kb} KiB)"
            failed=1
        fi
        printf '%-18s %-5s %8s %8s  %s\n' "$name" "$fmt" "$ms" "$kb" "$result"
    done
done
exit "$failed"
