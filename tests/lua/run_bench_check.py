#!/usr/bin/env python3
"""Checks the bench/lua programs at small sizes: cpjit-lua's output must equal the checked-in
expectation (tests/lua/bench_expected/NAME.out), which must itself still equal lua5.4's when
lua5.4 is installed (never under --emulator).

  run_bench_check.py --interp build/examples/lua/cpjit-lua --bench bench/lua [NAME...]
  CPJIT_BLESS=1 run_bench_check.py ...    rewrites the expectations from lua5.4
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "bench_expected")

# name -> (arguments, standard input file in bench_expected or None)
CASES = {
    "fib": (["20"], None),
    "ackermann": (["5"], None),
    "nbody": (["1000"], None),
    "spectralnorm": (["100"], None),
    "fannkuch": (["7"], None),
    "mandelbrot": (["64"], None),
    "binarytrees": (["8"], None),
    "fasta": (["1000"], None),
    "knucleotide": ([], "fasta.out"),   # reads fasta's expected output
    "heapsort": (["1000"], None),
    "sieve": (["1"], None),
    "queens": (["8"], None),
    "richards": (["2"], None),
    "strbuild": (["200"], None),
}


def run(cmd, stdin_path, cwd):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        return subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              cwd=cwd, timeout=300)
    finally:
        if stdin_path:
            stdin.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--emulator", default="")
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()
    emulator = shlex.split(opts.emulator) if opts.emulator else []
    reference = None if emulator else shutil.which("lua5.4")
    bless = os.environ.get("CPJIT_BLESS") == "1"
    bench = os.path.abspath(opts.bench)
    interp = os.path.abspath(opts.interp)
    failures = 0
    names = opts.names or list(CASES)
    for name in names:
        args, stdin_name = CASES[name]
        stdin_path = os.path.join(EXPECTED, stdin_name) if stdin_name else None
        expected_path = os.path.join(EXPECTED, name + ".out")
        script = name + ".lua"
        if reference:
            ref = run([reference, script] + args, stdin_path, bench)
            if ref.returncode != 0:
                print("FAIL %s: lua5.4 failed: %s" % (name, ref.stderr.decode(errors="replace")))
                failures += 1
                continue
            if bless:
                open(expected_path, "wb").write(ref.stdout)
            if ref.stdout != open(expected_path, "rb").read():
                print("DRIFT %s: the expectation no longer matches lua5.4" % name)
                failures += 1
                continue
        got = run(emulator + [interp, script] + args, stdin_path, bench)
        if got.returncode != 0 or got.stdout != open(expected_path, "rb").read():
            print("FAIL %s (exit %d) %s" % (name, got.returncode, got.stderr.decode(errors="replace")[:1000]))
            failures += 1
        else:
            print("ok   %s" % name)
    print("%d of %d failed" % (failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
