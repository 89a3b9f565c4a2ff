#!/usr/bin/env python3
"""Debugging a cpjit-lua program's traces with a real gdb (CPJIT_GDB=1).

Runs a Lua loop whose trace calls the helper lj_table_length (the LEN_T uop: the length of a
table) under gdb in batch mode, stops in the helper and checks the backtrace: frame #0 is the
helper, frame #1 the uop in the trace (traceN:LEN_T), and the frames go on through cpjit-lua's
interpreter (cpjit::lua::execute) to main, without "Backtrace stopped". Tier 1 computes the
length with its own function, so the first stop in the helper comes from compiled code.
Fails (never skips) when gdb is missing.

  gdb_lua.py CPJIT_LUA
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# The backtrace checks of cpjit's own gdb test.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "inspect"))
from gdb_backtrace import check_backtrace, frames  # noqa: E402

PROGRAM = """local t = {1, 2, 3}
local s = 0
for i = 1, 1000 do s = s + #t end
print(s)
"""


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    gdb = shutil.which("gdb")
    if gdb is None:
        print("FAIL: gdb is not installed (scripts/setup installs it)")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "loop.lua")
        with open(script, "w") as f:
            f.write(PROGRAM)
        args = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "break lj_table_length", "-ex", "run",
                "-ex", "bt", "-ex", "frame 1", "-ex", "info symbol $pc", "-ex", "delete", "-ex", "continue",
                "--args", sys.argv[1], script]
        env = dict(os.environ, CPJIT_GDB="1", ASAN_OPTIONS="detect_leaks=0")
        env.pop("CPJIT", None)
        run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    out = run.stdout + run.stderr
    print(out)
    problems = []
    lines = out.splitlines()
    check_backtrace(problems, "in the helper", lines,
                    [r"\blj_table_length\b", r"trace\d+:LEN_T", r"cpjit::lua::execute", r"\bmain\b"])
    fs = frames(lines)
    if not fs or not re.search(r"lj_table_length", fs[0][1]):
        problems.append("frame #0 is not the helper")
    if len(fs) > 1 and not re.search(r"trace\d+:LEN_T", fs[1][1]):
        problems.append("frame #1 is not the uop that called the helper")
    if not re.search(r"trace\d+:LEN_T \+ \d+ in section \.text", out):
        problems.append("`info symbol` does not name the uop")
    if "3000" not in out:
        problems.append("the program did not print its result (3000)")
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("ok: bt goes from the helper through traceN:LEN_T into cpjit-lua's interpreter and main")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
