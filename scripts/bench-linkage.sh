#!/usr/bin/env bash
# Record-linkage benchmark: Homeward's `link` against the Splink anchor, on the same file, in the
# same run, on the same machine (the machine is shared and absolute times drift, so the ratio is
# what we quote). See scripts/README.md and ../shared/bench/README.md.
#
#   scripts/bench-linkage.sh FILE.csv[.gz] [--splink-blocking full|tight] [--skip-splink] [--skip-build]
#
# Scratch files (venv, gunzipped data, every run's outputs) go to ${HOMEWARD_BENCH_DIR:-/tmp/homeward-bench},
# never into the repository.
set -euo pipefail

usage() {
    echo "usage: scripts/bench-linkage.sh FILE.csv[.gz] [--splink-blocking full|tight] [--skip-splink] [--skip-build]"
}
die() {
    echo "bench-linkage: error: $*" >&2
    exit 2
}
say() {
    echo "==> $*"
}

# --- arguments ------------------------------------------------------------------------------
input=""
blocking=""
skip_splink=0
skip_build=0
while (($#)); do
    case "$1" in
        --splink-blocking)
            [[ $# -ge 2 ]] || die "--splink-blocking needs a value: full or tight"
            blocking="$2"
            shift 2
            ;;
        --splink-blocking=*)
            blocking="${1#*=}"
            shift
            ;;
        --skip-splink) skip_splink=1; shift ;;
        --skip-build) skip_build=1; shift ;;
        -h | --help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *)
            [[ -z "$input" ]] || die "only one input file, got '$input' and '$1'"
            input="$1"
            shift
            ;;
    esac
done
[[ -n "$input" ]] || { usage >&2; die "no input file given"; }
[[ -z "$blocking" || "$blocking" == full || "$blocking" == tight ]] ||
    die "--splink-blocking must be 'full' or 'tight', not '$blocking'"
[[ -f "$input" ]] || die "input file not found: $input"
case "$input" in
    *.csv | *.csv.gz) ;;
    *) die "input must be a .csv or .csv.gz benchmark file: $input" ;;
esac

# --- where things are -----------------------------------------------------------------------
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared_bench="${HOMEWARD_SHARED:-$repo/../shared}/bench"
[[ -f "$shared_bench/evaluate.py" && -f "$shared_bench/anchor/splink_run.py" ]] ||
    die "benchmark kit not found at $shared_bench (set HOMEWARD_SHARED to the shared/ folder)"
shared_bench="$(cd "$shared_bench" && pwd)"
input="$(cd "$(dirname "$input")" && pwd)/$(basename "$input")"

# realpath -m resolves the folder before it exists, so the check below creates nothing.
bench_dir="$(realpath -m "${HOMEWARD_BENCH_DIR:-/tmp/homeward-bench}")"
# Outputs and a venv inside the repository would end up in `git status` (or in a commit).
case "$bench_dir/" in
    "$(realpath "$repo")"/*) die "scratch folder $bench_dir is inside the repository; point HOMEWARD_BENCH_DIR elsewhere" ;;
esac
mkdir -p "$bench_dir" || die "cannot create scratch folder $bench_dir"
# evaluate.py and splink_run.py paste paths into SQL string literals.
[[ "$bench_dir$input" != *"'"* ]] || die "paths must not contain a single quote: $bench_dir, $input"

requirements="$repo/scripts/bench-requirements.txt"
venv="$bench_dir/venv"
py="$venv/bin/python"
threads=2 # the anchor's figures in shared/bench/README.md are for 2 threads
export PYTHONDONTWRITEBYTECODE=1 # the anchor lives in a read-only folder

# --- tools ----------------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found; install it (Debian: apt-get install python3 python3-venv)"

# GNU time (not the shell keyword) reports peak RSS; Debian ships it in the package `time`.
if [[ ! -x /usr/bin/time ]]; then
    say "installing /usr/bin/time (Debian package 'time')"
    sudo=""
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null || die "/usr/bin/time is missing and I am not root: apt-get install time"
        sudo="sudo"
    fi
    $sudo apt-get update -qq || die "apt-get update failed"
    $sudo apt-get install -y -qq time || die "apt-get install time failed"
fi

# --- Python venv for the anchor and for evaluate.py (which needs duckdb) --------------------
# Reused while it was built from the same requirements file by the same python3.
stamp="$(sha256sum "$requirements" | cut -d' ' -f1) $(python3 -c 'import sys; print(sys.version.split()[0])')"
if [[ -x "$py" && -f "$venv/.bench-stamp" && "$(cat "$venv/.bench-stamp")" == "$stamp" ]] &&
    "$py" -c 'import splink, duckdb, faker, names_translator' 2>/dev/null; then
    say "reusing Python venv $venv"
else
    say "creating Python venv $venv from scripts/bench-requirements.txt"
    rm -rf "$venv"
    python3 -m venv "$venv" ||
        die "python3 -m venv failed (Debian: apt-get install python3-venv)"
    "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements" ||
        die "pip install -r $requirements failed (is PyPI reachable?)"
    "$py" -c 'import splink, duckdb, faker, names_translator' ||
        die "the venv was installed but the anchor's packages do not import"
    echo "$stamp" >"$venv/.bench-stamp"
fi

# --- input ----------------------------------------------------------------------------------
# Gunzip once into the scratch folder; later runs reuse it while it is newer than the .gz.
if [[ "$input" == *.gz ]]; then
    csv="$bench_dir/data/$(basename "$input" .gz)"
    if [[ ! -s "$csv" || "$csv" -ot "$input" ]]; then
        say "gunzipping $(basename "$input") into $bench_dir/data"
        mkdir -p "$bench_dir/data"
        gunzip -c "$input" >"$csv.part" || die "cannot gunzip $input"
        mv "$csv.part" "$csv"
    fi
else
    csv="$input"
fi
stem="$(basename "$csv" .csv)"
rows=$(($(wc -l <"$csv") - 1)) # the benchmark files have no quoted newlines

# Loose blocking is ~870M candidate pairs at 1M records (shared/bench/README.md): use it only
# where it fits.
if [[ -z "$blocking" ]]; then
    if ((rows < 200000)); then blocking=full; else blocking=tight; fi
fi

run="$bench_dir/runs/$stem-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
say "input $csv ($rows records); outputs in $run"
# The build takes the working tree as it is, uncommitted and untracked files included (which
# `git describe --dirty` would not flag): record the commit and whether the tree differs from it.
{
    commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [[ -n "$(git -C "$repo" status --porcelain 2>/dev/null)" ]]; then commit+=" + uncommitted changes"; fi
    echo "$commit"
} >"$run/source-version"
# Another engineer's build on this 2-core machine distorts the times; record the load so a
# strange ratio can be explained afterwards.
read -r load1 _ </proc/loadavg
echo "$load1" >"$run/loadavg-at-start"
if awk -v l="$load1" 'BEGIN { exit !(l > 1.0) }'; then
    say "warning: load average is $load1 before starting; times will be noisy"
fi

# --- build ----------------------------------------------------------------------------------
# HOMEWARD_BIN benchmarks another binary (an older checkout's, say); pair it with --skip-build.
homeward="${HOMEWARD_BIN:-$repo/.build/release/homeward}"
failed=0
build_failed=0
if ((skip_build)); then
    say "skipping the build (--skip-build); using $homeward as it is"
else
    say "building homeward (release); waits for /tmp/homeward-build.lock if another build runs; log: $run/build.log"
    # One build at a time on this machine: every build in the project takes this lock.
    if ! (cd "$repo" && flock /tmp/homeward-build.lock swift build -c release --product homeward) \
        >"$run/build.log" 2>&1; then
        # Carry on with the anchor, but never time the binary an earlier build left behind:
        # it is not the code in the tree.
        grep -m 10 -E 'error:' "$run/build.log" >&2 || tail -n 20 "$run/build.log" >&2
        say "Homeward: the release build failed (full log: $run/build.log); carrying on with Splink only"
        build_failed=1
        failed=1
    fi
fi

# --- Homeward -------------------------------------------------------------------------------
# Each engine leaves ENGINE.status (one line: ok / why not) for bench_table.py.
if ((build_failed)); then
    echo "release build failed (see build.log)" >"$run/homeward.status"
elif [[ ! -x "$homeward" ]]; then
    say "Homeward: no binary at $homeward (run without --skip-build)"
    echo "no binary at $homeward" >"$run/homeward.status"
else
    say "Homeward: homeward link"
    mkdir -p "$run/homeward"
    rc=0
    /usr/bin/time -v -o "$run/homeward.time" \
        "$homeward" link "$csv" --out "$run/homeward" >"$run/homeward.log" 2>&1 || rc=$?
    # Subcommands are listed indented by two spaces (wrapped descriptions by more). Captured rather
    # than piped: `grep -q` closing the pipe early would fail the pipeline under pipefail.
    help="$("$homeward" --help 2>&1 || true)"
    if ((rc == 0)); then
        echo ok >"$run/homeward.status"
    elif ! grep -qE '^  link( |$)' <<<"$help"; then
        # Not a failure of the engine: the subcommand has not been written yet.
        say "Homeward: this build has no 'link' subcommand yet; carrying on with Splink only"
        echo "no 'link' subcommand in this build" >"$run/homeward.status"
        rm -f "$run/homeward.time"
    else
        say "Homeward: 'homeward link' failed with exit $rc; last lines of $run/homeward.log:"
        tail -n 15 "$run/homeward.log" >&2
        echo "failed (exit $rc, see homeward.log)" >"$run/homeward.status"
        failed=1
    fi
    if [[ "$(cat "$run/homeward.status")" == ok ]]; then
        say "Homeward: evaluating"
        "$py" "$shared_bench/evaluate.py" "$csv" "$run/homeward" >"$run/homeward-eval.log" 2>&1 ||
            { echo "evaluate.py failed (see homeward-eval.log)" >"$run/homeward.status"; failed=1; }
    fi
fi

# --- Splink anchor --------------------------------------------------------------------------
if ((skip_splink)); then
    echo "skipped (--skip-splink)" >"$run/splink.status"
else
    # prep.py is the anchor's hand-written normalisation; it is timed on its own because the
    # anchor README times splink_run.py alone (Homeward's figure includes its normalisation).
    say "Splink: prep.py"
    if /usr/bin/time -v -o "$run/prep.time" \
        "$py" "$shared_bench/anchor/prep.py" "$csv" "$run/prep.csv" >"$run/prep.log" 2>&1; then
        say "Splink: splink_run.py ($blocking blocking, $threads threads)"
        rc=0
        /usr/bin/time -v -o "$run/splink.time" \
            "$py" "$shared_bench/anchor/splink_run.py" "$run/prep.csv" "$run/splink" "$threads" "$blocking" \
            >"$run/splink.log" 2>&1 || rc=$?
        if ((rc == 0)); then
            echo ok >"$run/splink.status"
            say "Splink: evaluating"
            "$py" "$shared_bench/evaluate.py" "$csv" "$run/splink" >"$run/splink-eval.log" 2>&1 ||
                { echo "evaluate.py failed (see splink-eval.log)" >"$run/splink.status"; failed=1; }
        else
            tail -n 15 "$run/splink.log" >&2
            echo "failed (exit $rc, see splink.log)" >"$run/splink.status"
            failed=1
        fi
    else
        tail -n 15 "$run/prep.log" >&2
        echo "prep.py failed (see prep.log)" >"$run/splink.status"
        failed=1
    fi
fi

# --- table ----------------------------------------------------------------------------------
echo
"$py" "$repo/scripts/bench_table.py" "$run" --input "$csv" --records "$rows" --splink-blocking "$blocking"
echo
say "everything from this run (logs, eval.json, table.md, summary.json): $run"
exit "$failed"
