#!/usr/bin/env bash
# The search box at 100,000 persons: builds homeward in release, makes a demo register of that
# size once (in ${HOMEWARD_BENCH_DIR:-/tmp/homeward-bench}/search-100k), serves it on loopback and
# runs scripts/bench_search.py against it. Usage: scripts/bench-search.sh [--queries N] [--persons N]
set -euo pipefail
cd "$(dirname "$0")/.."
queries=200
persons=100000
while [ $# -gt 0 ]; do
    case "$1" in
        --queries) queries=$2; shift 2 ;;
        --persons) persons=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
scratch=${HOMEWARD_BENCH_DIR:-/tmp/homeward-bench}/search-$persons
flock /tmp/homeward-build.lock swift build -c release --product homeward >/dev/null
binary="$(swift build -c release --show-bin-path)/homeward"
if [ ! -f "$scratch/homeward.sqlite" ]; then
    echo "Making a demo register of $persons persons in $scratch (once)…"
    own=$((persons * 2 / 3))
    /usr/bin/env time -f "  made in %e s, peak %M KB" "$binary" demo --own "$own" --adversary $((persons - own)) \
        --without-review --data-dir "$scratch" --log-level warning
fi
port=${HOMEWARD_BENCH_PORT:-8197}
"$binary" serve --data-dir "$scratch" --port "$port" --log-level warning > "$scratch/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    sleep 0.5
done
python3 scripts/bench_search.py "http://127.0.0.1:$port" "$scratch/homeward.sqlite" --queries "$queries"
echo "  server peak memory: $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
