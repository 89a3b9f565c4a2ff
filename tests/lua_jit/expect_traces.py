#!/usr/bin/env python3
"""Runs a cpjit-lua program with the JIT at its default thresholds and CPJIT_STATS=1, and checks
what its comments say about the traces that form:
  -- expect-stats: REGEX    a line of CPJIT_STATS's report must match (re.search)
  -- expect-at-most: N REGEX  the first number in the line matching REGEX is at most N
  -- expect-absent: REGEX   no line of the report matches
  -- with: NAME=VALUE       an environment variable for the run (thresholds, say)
Not about speed: about whether the JIT takes hold of a loop at all.
  expect_traces.py --interp cpjit-lua [--emulator CMD] PROGRAM.lua...
"""
import argparse
import os
import re
import shlex
import subprocess
import sys


def check(interp, emulator, path):
    wanted, limits, absent, settings = [], [], [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("-- expect-stats: "):
                wanted.append(line[len("-- expect-stats: "):])
            elif line.startswith("-- expect-at-most: "):
                n, _, rx = line[len("-- expect-at-most: "):].partition(" ")
                limits.append((int(n), rx))
            elif line.startswith("-- expect-absent: "):
                absent.append(line[len("-- expect-absent: "):])
            elif line.startswith("-- with: "):
                name, _, value = line[len("-- with: "):].partition("=")
                settings[name] = value
    env = dict(os.environ, CPJIT_STATS="1")
    for k in ("CPJIT", "CPJIT_LUA_HOT", "CPJIT_LUA_SIDE"):
        env.pop(k, None)
    env.update(settings)
    run = subprocess.run(emulator + [interp, path], capture_output=True, text=True, env=env, timeout=600)
    report = run.stderr.splitlines()
    problems = []
    if run.returncode != 0:
        problems.append("exit status %d" % run.returncode)
    for rx in wanted:
        if not any(re.search(rx, l) for l in report):
            problems.append("no line of the report matches %r" % rx)
    for rx in absent:
        problems += ["a line of the report matches %r: %s" % (rx, l) for l in report if re.search(rx, l)]
    for n, rx in limits:
        lines = [l for l in report if re.search(rx, l)]
        numbers = [int(m.group(0)) for l in lines for m in [re.search(r"\d+", l[re.search(rx, l).end():])] if m]
        if not numbers:
            problems.append("no number after %r" % rx)
        elif numbers[0] > n:
            problems.append("%r: %d, more than %d" % (rx, numbers[0], n))
    name = os.path.basename(path)
    if problems:
        print("FAIL %s: %s\n  report:\n    %s" % (name, "; ".join(problems), "\n    ".join(report)))
        return False
    print("ok   %s" % name)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True)
    ap.add_argument("--emulator", default="")
    ap.add_argument("programs", nargs="+")
    opts = ap.parse_args()
    emulator = shlex.split(opts.emulator) if opts.emulator else []
    ok = all([check(opts.interp, emulator, p) for p in opts.programs])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
