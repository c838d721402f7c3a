#!/usr/bin/env python3
"""Summarise one run of scripts/bench-linkage.sh as a table: Homeward, Splink, and their ratio.

Usage: bench_table.py RUN_DIR [--input CSV] [--records N] [--splink-blocking full|tight]

Reads what bench-linkage.sh left in RUN_DIR (standard library only):
  ENGINE.status        one line: "ok" or why the engine has no figures
  ENGINE.time          `/usr/bin/time -v` report of the engine's whole process
  ENGINE/eval.json     what ../shared/bench/evaluate.py wrote
  prep.time            the anchor's normalisation step (reported beside, not in, Splink's row)
  splink/timings.json  splink_run.py's own breakdown
Prints the table as Markdown and writes RUN_DIR/table.md and RUN_DIR/summary.json.
"""
import argparse
import json
import os
import re

ENGINES = [("homeward", "Homeward"), ("splink", "Splink")]

# Columns: (key in summary.json, header, format). Names follow evaluate.py's eval.json:
# best_* is eval["pairwise_best"], the others come from the engine's operating-threshold
# clusters file (eval["clusters.csv"] for Homeward, eval["clusters_0.5.parquet"] for Splink).
COLUMNS = [
    ("wall_s", "wall s", "{:.1f}"),
    ("peak_rss_mb", "peak RSS MB", "{:.0f}"),
    ("best_P", "best P", "{:.3f}"),
    ("best_R", "best R", "{:.3f}"),
    ("best_F1", "best F1", "{:.3f}"),
    ("best_thr", "@thr", "{:g}"),
    ("op_pair_P", "P @op", "{:.3f}"),
    ("blocking_recall", "blocking recall", "{:.3f}"),
    ("bcubed_F1", "B³ F1", "{:.3f}"),
]
NO_RATIO = {"best_thr"}  # a ratio of two thresholds means nothing

# The clusters file that stands for an engine's operating threshold, in order of preference:
# Homeward writes one clusters.csv; splink_run.py writes three, and the anchor's published
# figures use 0.5.
OPERATING_CLUSTERS = ["clusters.csv", "clusters.parquet", "clusters_0.5.parquet", "clusters_0.5.csv"]


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


def read_json(path):
    text = read_text(path)
    return json.loads(text) if text else None


def parse_gnu_time(path):
    """Wall seconds and peak RSS (MiB) from a `/usr/bin/time -v` report, or None."""
    text = read_text(path)
    if text is None:
        return None
    out = {}
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:
        seconds = 0.0
        for part in m.group(1).split(":"):  # m:ss.cc or h:mm:ss
            seconds = seconds * 60 + float(part)
        out["wall_s"] = seconds
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["peak_rss_mb"] = int(m.group(1)) / 1024
    return out


def operating_clusters(ev):
    for name in OPERATING_CLUSTERS:
        if name in ev:
            return name
    others = sorted(k for k in ev if k.startswith("clusters"))
    return others[0] if others else None


def engine_summary(run, engine):
    s = {"status": read_text(os.path.join(run, f"{engine}.status")) or "did not run"}
    if s["status"] != "ok":
        return s  # the time of a failed run, or stale outputs, would read as a result
    t = parse_gnu_time(os.path.join(run, f"{engine}.time"))
    if t:
        s.update(t)
    ev = read_json(os.path.join(run, engine, "eval.json"))
    if ev:
        best = ev.get("pairwise_best") or {}
        s.update({"best_P": best.get("P"), "best_R": best.get("R"), "best_F1": best.get("F1"),
                  "best_thr": best.get("thr"), "blocking_recall": ev.get("blocking_recall"),
                  "scored_pairs": ev.get("scored_pairs"), "true_pairs": ev.get("true_pairs")})
        name = operating_clusters(ev)
        if name:
            c = ev[name]
            s.update({"clusters_file": name, "op_pair_P": c.get("pair_P"), "op_pair_R": c.get("pair_R"),
                      "bcubed_P": c.get("bcubed_P"), "bcubed_R": c.get("bcubed_R"),
                      "bcubed_F1": c.get("bcubed_F1"), "clusters": c.get("clusters"),
                      "true_entities": c.get("true_entities")})
        s["eval"] = ev
    return s


def cell(value, fmt):
    return "–" if value is None else fmt.format(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run")
    ap.add_argument("--input")
    ap.add_argument("--records", type=int)
    ap.add_argument("--splink-blocking")
    args = ap.parse_args()
    run = args.run

    summary = {"input": args.input, "records": args.records, "splink_blocking": args.splink_blocking,
               "loadavg_at_start": read_text(os.path.join(run, "loadavg-at-start")),
               "source_version": read_text(os.path.join(run, "source-version"))}
    for engine, _ in ENGINES:
        summary[engine] = engine_summary(run, engine)
    prep = parse_gnu_time(os.path.join(run, "prep.time"))
    if prep:
        summary["splink"]["prep"] = prep
    timings = read_json(os.path.join(run, "splink", "timings.json"))
    if timings:
        summary["splink"]["timings"] = timings

    hw, sp = summary["homeward"], summary["splink"]
    ratio = {}
    for key, _, _ in COLUMNS:
        a, b = hw.get(key), sp.get(key)
        ratio[key] = a / b if key not in NO_RATIO and a is not None and b else None
    summary["ratio_homeward_over_splink"] = ratio

    title = f"{os.path.basename(args.input or run)}"
    if args.records:
        title += f", {args.records:,} records"
    lines = [f"### Record linkage: {title}", "",
             "| engine | " + " | ".join(h for _, h, _ in COLUMNS) + " |",
             "| --- |" + " ---: |" * len(COLUMNS)]
    splink_label = f"Splink ({args.splink_blocking})" if args.splink_blocking and sp["status"] == "ok" else "Splink"
    for label, row, is_ratio in [("Homeward", hw, False), (splink_label, sp, False), ("ratio H÷S", ratio, True)]:
        cells = []
        for key, _, fmt in COLUMNS:
            if is_ratio and key in NO_RATIO:
                cells.append("")
            else:
                cells.append(cell(row.get(key), "{:.2f}" if is_ratio else fmt))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    notes = []
    for engine, label in ENGINES:
        s = summary[engine]
        if s["status"] != "ok":
            notes.append(f"{label}: {s['status']}.")
        elif s.get("clusters_file"):
            notes.append(f"{label}: P @op and B³ from `{s['clusters_file']}`; "
                         f"{s.get('scored_pairs', 0):,} pairs scored, {s.get('true_pairs', 0):,} true pairs in the file; "
                         f"{s.get('clusters', 0):,} clusters for {s.get('true_entities', 0):,} persons.")
            # P @op is measured on the clusters, after transitive closure; the score-level figure at
            # 0.5 shows how much of the difference the closure makes.
            at_half = next((c for c in s["eval"].get("pairwise_curve", []) if c.get("thr") == 0.5), None)
            if at_half:
                notes.append(f"{label}: pair scores ≥ 0.5 alone (before clustering): "
                             f"P {at_half['P']:.3f}, R {at_half['R']:.3f}.")
    if prep:
        notes.append(f"Splink's row is splink_run.py alone, as in the anchor's README; its prep.py step "
                     f"took a further {prep.get('wall_s', 0):.1f} s, {prep.get('peak_rss_mb', 0):.0f} MB peak.")
    if timings:
        steps = {"setup_s": "setup", "train_s": "training", "predict_s": "prediction",
                 "cluster_3_thresholds_s": "clustering at 3 thresholds"}
        parts = [f"{name} {timings[k]:.1f} s" for k, name in steps.items() if k in timings]
        notes.append("Splink inside: " + ", ".join(parts) + f" (splink {timings.get('versions', {}).get('splink', '?')}, "
                     f"duckdb {timings.get('versions', {}).get('duckdb', '?')}, {timings.get('threads', '?')} threads).")
    if summary["source_version"]:
        notes.append(f"Homeward source: {summary['source_version']}.")
    if summary["loadavg_at_start"]:
        notes.append(f"Load average at start: {summary['loadavg_at_start']} (2-core machine, shared).")
    lines += [""] + [f"- {n}" for n in notes]

    table = "\n".join(lines) + "\n"
    print(table, end="")
    with open(os.path.join(run, "table.md"), "w", encoding="utf-8") as f:
        f.write(table)
    with open(os.path.join(run, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
