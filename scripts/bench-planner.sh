#!/usr/bin/env bash
# The exchange planner on synthetic candidates, in release: assesses every candidate's priority
# and plans "wounded for wounded, then all for all", several times, and prints median / min / max.
# Usage: scripts/bench-planner.sh [--candidates N] [--fund N] [--runs N] [--seed N]
set -euo pipefail
cd "$(dirname "$0")/.."
flock /tmp/homeward-build.lock swift build -c release --product homeward
.build/release/homeward bench-planner "$@"
