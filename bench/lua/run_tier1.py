#!/usr/bin/env python3
"""Tier-1 speed of cpjit-lua against lua5.4 and luajit -joff on bench/lua.

cpjit-lua runs with CPJIT=0 (its JIT off) unless --tier2 is given.

Each program runs at a size that takes about a second in lua5.4. Every interpreter runs every
program --repeat times (the best time counts); outputs must agree with lua5.4's. The table
gives seconds and the speed of cpjit-lua relative to each reference (>1: cpjit-lua is faster),
with the geometric mean over all programs.

  bench/lua/run_tier1.py --interp build/examples/lua/cpjit-lua [--repeat 3] [--scale 0.5] [NAME...]
"""
import argparse
import hashlib
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> size at which lua5.4 takes about one second on a current x86-64 core
SIZES = {
    "fib": 37,
    "ackermann": 10,
    "nbody": 1000000,
    "spectralnorm": 1000,
    "fannkuch": 10,
    "mandelbrot": 1600,
    "binarytrees": 16,
    "fasta": 1500000,
    "knucleotide": 250000,   # size of the fasta input it reads
    "heapsort": 1000000,
    "sieve": 500,
    "queens": 13,  # boards 4..13
    "richards": 600,
    "strbuild": 400000,
}
# sizes that scale linearly with --scale (the others are exponents or small counts)
LINEAR = {"nbody", "fasta", "knucleotide", "heapsort", "sieve", "richards", "strbuild",
          "mandelbrot", "spectralnorm"}


def invocation(name, lua, scale, tmpdir):
    """(script, arguments, standard input file or None) for running benchmark `name` at its
    size; knucleotide reads fasta's output, which lua5.4 makes once into tmpdir."""
    size = SIZES[name]
    if name in LINEAR:
        size = max(1, int(size * scale))
    script = os.path.join(HERE, name + ".lua")
    if name != "knucleotide":
        return size, script, [str(size)], None
    stdin_path = os.path.join(tmpdir, "fasta-%d.txt" % size)
    with open(stdin_path, "wb") as f:
        subprocess.run([lua, os.path.join(HERE, "fasta.lua"), str(size)], stdout=f, check=True)
    return size, script, [], stdin_path


def run_once(cmd, stdin_path, env=None):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    start = time.perf_counter()
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if stdin_path:
        stdin.close()
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), p.stderr.decode(errors="replace")[:500]))
    return elapsed, hashlib.sha256(p.stdout).hexdigest()


def best_of(cmd, stdin_path, repeat, env=None):
    times, digest = [], None
    for _ in range(repeat):
        t, digest = run_once(cmd, stdin_path, env)
        times.append(t)
    return min(times), digest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True, help="cpjit-lua binary")
    ap.add_argument("--lua", default=shutil.which("lua5.4"))
    ap.add_argument("--luajit", default=shutil.which("luajit"))
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the linear sizes")
    ap.add_argument("--tier2", action="store_true",
                    help="leave cpjit-lua's JIT on (default: CPJIT=0, tier 1 alone)")
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    if not opts.lua:
        print("lua5.4 not found")
        return 2

    names = opts.names or list(SIZES)
    systems = [("lua5.4", [opts.lua])]
    if opts.luajit:
        systems.append(("luajit -joff", [opts.luajit, "-joff"]))
    systems.append(("cpjit-lua", [os.path.abspath(opts.interp)]))

    tmpdir = tempfile.mkdtemp(prefix="cpjit-bench-")
    rows = []
    try:
        for name in names:
            size, script, args, stdin_path = invocation(name, opts.lua, opts.scale, tmpdir)
            results = {}
            for label, cmd in systems:
                env = None
                if label == "cpjit-lua" and not opts.tier2:
                    env = dict(os.environ, CPJIT="0")  # tier 1 alone: the JIT stays off
                results[label] = best_of(cmd + [script] + args, stdin_path, opts.repeat, env)
            ref_digest = results["lua5.4"][1]
            bad = [label for label, (_, d) in results.items() if d != ref_digest and label == "cpjit-lua"]
            if bad:
                print("OUTPUT MISMATCH: %s on %s" % (", ".join(bad), name))
                return 1
            rows.append((name, size, {k: v[0] for k, v in results.items()}))
            print("%-13s done" % name, file=sys.stderr)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    labels = [label for label, _ in systems]
    header = "%-13s %9s" % ("program", "size") + "".join(" %12s" % l for l in labels)
    header += "  %10s" % "vs lua5.4"
    if opts.luajit:
        header += "  %10s" % "vs -joff"
    print(header)
    print("-" * len(header))
    ratios_lua, ratios_jit = [], []
    for name, size, t in rows:
        line = "%-13s %9d" % (name, size) + "".join(" %11.3fs" % t[l] for l in labels)
        r = t["lua5.4"] / t["cpjit-lua"]
        ratios_lua.append(r)
        line += "  %9.2fx" % r
        if opts.luajit:
            rj = t["luajit -joff"] / t["cpjit-lua"]
            ratios_jit.append(rj)
            line += "  %9.2fx" % rj
        print(line)
    print("-" * len(header))
    geo = "%-13s %9s" % ("geomean", "") + " " * (13 * len(labels))
    geo += "  %9.2fx" % math.exp(sum(map(math.log, ratios_lua)) / len(ratios_lua))
    if opts.luajit:
        geo += "  %9.2fx" % math.exp(sum(map(math.log, ratios_jit)) / len(ratios_jit))
    print(geo)
    print("(ratios: reference time / cpjit-lua time; above 1 means cpjit-lua is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
