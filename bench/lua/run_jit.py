#!/usr/bin/env python3
"""cpjit-lua with its JIT against its own tier 1, lua5.4, luajit -joff and luajit on bench/lua.

Every program runs at the size run_tier1.py uses (about a second in lua5.4), --repeat times per
system, all in one run on the same machine. The systems take turns (round after round, each
runs once), so that a slow or fast phase of the shared machine falls on all of them, and the
median time counts (--stat best: the fastest); allocation-heavy programs have a rare fast mode
on this machine that a best-of picks for one system and not another. cpjit-lua's output, in both
modes, must equal lua5.4's (a mismatch stops the run); LuaJIT's may differ where it has no
integer subtype, which is reported but not an error. A last run of the JIT with CPJIT_STATS=1
gives the time spent compiling traces and recording them, as a share of the run.

Writes a table to standard output and, into --out (default bench/lua/results):
  jit.csv   one row per program: seconds per system, ratios, compile figures
  jit.png   bar chart: speed relative to lua5.4 (higher is faster), log scale

  bench/lua/run_jit.py --interp build/examples/lua/cpjit-lua [--repeat 5] [--stat median|best]
                       [--scale 0.5] [NAME...]
"""
import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_tier1 import SIZES, invocation, run_once  # noqa: E402  (the same programs and sizes)

TIER1 = "cpjit-lua tier 1"
JIT = "cpjit-lua jit"


def jit_stats(cmd, stdin_path):
    """Compile and recording time (ms) reported by CPJIT_STATS=1, and the run's wall time."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    env = dict(os.environ, CPJIT_STATS="1")
    env.pop("CPJIT", None)
    import time
    start = time.perf_counter()
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    if stdin_path:
        stdin.close()
    text = p.stderr.decode(errors="replace")
    compile_ms = record_ms = 0.0
    traces = 0
    m = re.search(r"compile time ([0-9.]+) ms", text)
    if m:
        compile_ms = float(m.group(1))
    m = re.search(r"recording ([0-9.]+) ms", text)
    if m:
        record_ms = float(m.group(1))
    m = re.search(r": (\d+) traces compiled", text)
    if m:
        traces = int(m.group(1))
    return compile_ms, record_ms, traces, wall


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")


def chart(rows, systems, path):
    try:
        import matplotlib
    except ImportError:
        print("no chart: python3-matplotlib is not installed (scripts/setup installs it)", file=sys.stderr)
        return False
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = [r["program"] for r in rows] + ["geomean"]
    fig, ax = plt.subplots(figsize=(13, 5.5))
    width = 0.8 / len(systems)
    colors = {"lua5.4": "#9e9e9e", "luajit -joff": "#c5a572", "luajit": "#8c6d31", TIER1: "#6baed6", JIT: "#08519c"}
    for k, s in enumerate(systems):
        speeds = [r["times"]["lua5.4"] / r["times"][s] for r in rows]
        speeds.append(geomean(speeds))
        xs = [i + (k - (len(systems) - 1) / 2) * width for i in range(len(names))]
        ax.bar(xs, speeds, width, label=s, color=colors.get(s))
    ax.set_yscale("log")
    ax.axhline(1.0, color="black", linewidth=0.6)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("speed relative to lua5.4 (log scale)")
    ax.set_title("bench/lua: cpjit-lua (tier 1 and JIT), lua5.4 and LuaJIT")
    ax.legend(ncol=len(systems), fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def pick(times, stat):
    ordered = sorted(times)
    if stat == "best":
        return ordered[0]
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True, help="cpjit-lua binary")
    ap.add_argument("--lua", default=shutil.which("lua5.4"))
    ap.add_argument("--luajit", default=shutil.which("luajit"))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stat", choices=("median", "best"), default="median",
                    help="which of the --repeat times counts")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the linear sizes")
    ap.add_argument("--out", default=os.path.join(HERE, "results"), help="directory for jit.csv and jit.png")
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    if not opts.lua:
        print("lua5.4 not found (scripts/setup installs it)")
        return 2
    interp = os.path.abspath(opts.interp)
    names = opts.names or list(SIZES)
    systems = [("lua5.4", [opts.lua], None)]
    if opts.luajit:
        systems.append(("luajit -joff", [opts.luajit, "-joff"], None))
        systems.append(("luajit", [opts.luajit], None))
    systems.append((TIER1, [interp], {"CPJIT": "0"}))
    systems.append((JIT, [interp], {"CPJIT": "1"}))

    tmpdir = tempfile.mkdtemp(prefix="cpjit-bench-")
    rows = []
    notes = []
    try:
        for name in names:
            size, script, args, stdin_path = invocation(name, opts.lua, opts.scale, tmpdir)
            samples, digests = {label: [] for label, _, _ in systems}, {}
            for _ in range(opts.repeat):  # rounds: every system once per round
                for label, cmd, extra in systems:
                    env = dict(os.environ, **extra) if extra else None
                    t, digests[label] = run_once(cmd + [script] + args, stdin_path, env)
                    samples[label].append(t)
            times = {label: pick(ts, opts.stat) for label, ts in samples.items()}
            for label in (TIER1, JIT):
                if digests[label] != digests["lua5.4"]:
                    print("OUTPUT MISMATCH: %s on %s" % (label, name))
                    return 1
            for label in ("luajit -joff", "luajit"):
                if label in digests and digests[label] != digests["lua5.4"]:
                    notes.append("%s: %s prints differently from lua5.4" % (name, label))
            compile_ms, record_ms, traces, wall = jit_stats([interp, script] + args, stdin_path)
            rows.append({"program": name, "size": size, "times": times, "compile_ms": compile_ms,
                         "record_ms": record_ms, "traces": traces, "stats_wall": wall})
            print("%-13s done" % name, file=sys.stderr)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    labels = [label for label, _, _ in systems]
    short = {"lua5.4": "lua5.4", "luajit -joff": "lj -joff", "luajit": "luajit", TIER1: "tier 1", JIT: "jit"}
    header = "%-13s" % "program" + "".join(" %9s" % short[l] for l in labels)
    header += "  %9s %9s %9s  %7s %8s" % ("jit/t1", "jit/lua", "t1/lua", "traces", "compile")
    print(header)
    print("-" * len(header))
    r_t1, r_lua, r_t1lua = [], [], []
    slower = []
    for r in rows:
        t = r["times"]
        a, b, c = t[TIER1] / t[JIT], t["lua5.4"] / t[JIT], t["lua5.4"] / t[TIER1]
        r_t1.append(a)
        r_lua.append(b)
        r_t1lua.append(c)
        if a < 1.0:
            slower.append(r["program"])
        share = (r["compile_ms"] / 1000.0) / r["stats_wall"] if r["stats_wall"] > 0 else 0.0
        r["compile_share"] = share
        print("%-13s" % r["program"] + "".join(" %8.3fs" % t[l] for l in labels) +
              "  %8.2fx %8.2fx %8.2fx  %7d %7.2f%%" % (a, b, c, r["traces"], 100 * share))
    print("-" * len(header))
    print("%-13s" % "geomean" + " " * (10 * len(labels)) +
          "  %8.2fx %8.2fx %8.2fx" % (geomean(r_t1), geomean(r_lua), geomean(r_t1lua)))
    print("(ratios: time of the first / time of the second; above 1 means the second is faster;")
    print(" compile: time in cpjit_trace_end as a share of the JIT run, from CPJIT_STATS=1)")
    if slower:
        print("slower with the JIT than tier 1: %s" % ", ".join(slower))
    for n in notes:
        print("note: " + n)

    os.makedirs(opts.out, exist_ok=True)
    csv_path = os.path.join(opts.out, "jit.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["program", "size"] + ["%s_s" % l.replace(" ", "_") for l in labels] +
                   ["jit_vs_tier1", "jit_vs_lua54", "tier1_vs_lua54", "traces", "compile_ms", "record_ms",
                    "compile_share"])
        for r in rows:
            t = r["times"]
            w.writerow([r["program"], r["size"]] + ["%.4f" % t[l] for l in labels] +
                       ["%.3f" % (t[TIER1] / t[JIT]), "%.3f" % (t["lua5.4"] / t[JIT]),
                        "%.3f" % (t["lua5.4"] / t[TIER1]), r["traces"], "%.3f" % r["compile_ms"],
                        "%.3f" % r["record_ms"], "%.5f" % r["compile_share"]])
    print("wrote %s" % csv_path)
    png_path = os.path.join(opts.out, "jit.png")
    if chart(rows, labels, png_path):
        print("wrote %s" % png_path)
    return 0


if __name__ == "__main__":
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        # A Python other than the system's (pyenv, a virtualenv) may lack Debian's matplotlib.
        if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit(main())
