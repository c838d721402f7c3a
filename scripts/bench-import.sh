#!/usr/bin/env bash
# Importing lists, in release:
#  1. the benchmark's dev-100k.csv (100,000 rows) imported as an ICRC list into a demo register of
#     100,000 persons, matched and written, beside the anchor: sqlite3's own .import of the same file
#     into a copy of the same register (a bare load: no reading of names, no matching, no checks);
#  2. dev-100k.csv and dev-1m.csv (1,000,000 rows) read and checked row by row (`import --check`),
#     to show that reading streams: the peak memory does not grow with the file;
#  3. with --million, the whole 1M-row file imported into an empty register.
# Usage: scripts/bench-import.sh [--runs N] [--million]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
million=false
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --million) million=true; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
bench=${HOMEWARD_BENCH_DIR:-/tmp/homeward-bench}
data=../shared/bench/data
scratch=$bench/import
mkdir -p "$scratch"
flock /tmp/homeward-build.lock swift build -c release --product homeward >/dev/null
binary="$(swift build -c release --show-bin-path)/homeward"

register=$bench/search-100000
if [ ! -f "$register/homeward.sqlite" ]; then
    echo "Making a demo register of 100,000 persons in $register (once)…"
    "$binary" demo --own 66667 --adversary 33333 --without-review --data-dir "$register" --log-level warning >/dev/null
fi
if [ ! -f "$scratch/dev-1m.csv" ]; then
    gunzip -c "$data/dev-1m.csv.gz" > "$scratch/dev-1m.csv"
fi

# Prints "seconds peak-KB" of a command, its own output kept in $scratch/last.log.
measure() {
    /usr/bin/env time -f "%e %M" -o "$scratch/time.txt" "$@" > "$scratch/last.log" 2>&1 || {
        cat "$scratch/last.log" >&2
        exit 1
    }
    cat "$scratch/time.txt"
}

fresh_copy() {
    rm -rf "$scratch/run"
    mkdir -p "$scratch/run"
    cp "$register/homeward.sqlite" "$scratch/run/"
}

echo "== 100,000-row list against a register of 100,000 persons (release, $runs runs, target ≤ 30 s)"
printf "%-5s %14s %14s %12s %10s\n" run "homeward (s)" "peak (MB)" "anchor (s)" ratio
for run in $(seq 1 "$runs"); do
    fresh_copy
    read -r ours peak < <(measure "$binary" import "$data/dev-100k.csv" --source-kind icrc-notification \
        --data-dir "$scratch/run" --show-rows 0 --log-level warning)
    outcome=$(grep -E "^Imported" "$scratch/last.log")
    fresh_copy
    read -r anchor _ < <(measure sqlite3 "$scratch/run/homeward.sqlite" ".import --csv $data/dev-100k.csv bare_list")
    printf "%-5s %14s %14s %12s %9.1fx\n" "$run" "$ours" "$((peak / 1024))" "$anchor" "$(echo "$ours / $anchor" | bc -l)"
done
echo "  $outcome"

echo "== Reading and checking every row (import --check): memory does not grow with the file"
printf "%-14s %10s %12s %12s\n" file rows "time (s)" "peak (MB)"
for file in "$data/dev-100k.csv" "$scratch/dev-1m.csv"; do
    read -r seconds peak < <(measure "$binary" import "$file" --source-kind icrc-notification --check \
        --data-dir "$scratch/empty" --log-level warning)
    rows=$(grep -oE "^Rows: [0-9]+" "$scratch/last.log" | grep -oE "[0-9]+")
    printf "%-14s %10s %12s %12s\n" "$(basename "$file")" "$rows" "$seconds" "$((peak / 1024))"
done

if $million; then
    echo "== 1,000,000-row list into an empty register"
    rm -rf "$scratch/million"
    read -r seconds peak < <(measure "$binary" import "$scratch/dev-1m.csv" --source-kind icrc-notification \
        --data-dir "$scratch/million" --show-rows 0 --log-level warning)
    echo "  $seconds s, peak $((peak / 1024)) MB: $(grep -E "^Imported" "$scratch/last.log")"
fi
