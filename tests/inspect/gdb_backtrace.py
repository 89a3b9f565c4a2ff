#!/usr/bin/env python3
"""Runs jit_program under a real gdb in batch mode and checks what gdb says about JIT code.

  gdb_backtrace.py JIT_PROGRAM

With CPJIT_GDB=1 the program registers its trace through the GDB JIT interface. Checked, for
dual-mapped code memory (breakpoints in JIT code must be hardware ones there, see
docs/inspecting.md) and for mprotect'ed code memory (software breakpoints):
  - stopped at the trace's first instruction: frame #0 is trace0:SET_I32 and `bt` continues into
    run_gdb_scenario and main;
  - stopped in a helper the trace calls: frame #1 is trace0:CALL_HELPER, then run_gdb_scenario,
    then main, with no "Backtrace stopped";
  - `info symbol` names the uop; after the trace is freed it names nothing.
Fails (never skips) when gdb is missing.
"""
import os
import re
import shutil
import subprocess
import sys


def run_gdb(gdb, program, strategy):
    trace_break = "hbreak" if strategy == "dual" else "break"
    commands = [
        "set pagination off",
        "set confirm off",
        "break inspect_trace_ready",
        "run",
        "echo @@ready\\n",
        f"{trace_break} *g_trace_address",
        "break cpjit_sample_helper",
        "continue",
        "echo @@trace-entry\\n",
        "bt",
        "info symbol $pc",
        "continue",
        "echo @@helper\\n",
        "bt",
        "frame 1",
        "info symbol $pc",
        "x/2i $pc",
        "delete",
        "break inspect_after_free",
        "continue",
        "echo @@freed\\n",
        "info symbol g_trace_address",
        "continue",
        "echo @@end\\n",
    ]
    args = [gdb, "-nx", "-batch"]
    for c in commands:
        args += ["-ex", c]
    args += ["--args", program, "gdb", strategy]
    # LeakSanitizer needs ptrace itself and stops a process that runs under a debugger.
    env = dict(os.environ, CPJIT_GDB="1", ASAN_OPTIONS="detect_leaks=0")
    run = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    return run.stdout + run.stderr


def sections(output):
    out, name = {}, "start"
    for line in output.splitlines():
        m = re.match(r"^@@(\S+)$", line.strip())
        if m:
            name = m.group(1)
            continue
        out.setdefault(name, []).append(line)
    return out


def frames(lines):
    """bt lines as (number, text), joining continuation lines."""
    result = []
    for line in lines:
        m = re.match(r"^#(\d+)\s+(.*)$", line)
        if m:
            result.append((int(m.group(1)), m.group(2)))
    return result


def check_backtrace(problems, where, lines, expected):
    """expected: regexes that must match frames in this order (frame #0 first)."""
    fs = frames(lines)
    if not fs:
        problems.append(f"{where}: no backtrace in:\n" + "\n".join(lines))
        return
    for line in lines:
        if "Backtrace stopped" in line or "corrupt stack" in line:
            problems.append(f"{where}: gdb says: {line.strip()}")
    position = 0
    for pattern in expected:
        while position < len(fs) and not re.search(pattern, fs[position][1]):
            position += 1
        if position == len(fs):
            problems.append(f"{where}: no frame matching {pattern!r} in order in:\n" + "\n".join(lines))
            return
        position += 1


def check(output, strategy):
    problems = []
    s = sections(output)
    entry = s.get("trace-entry", [])
    fs = frames(entry)
    if not fs or "trace0:SET_I32" not in fs[0][1]:
        problems.append("stopped at the trace's entry, frame #0 is not trace0:SET_I32:\n" + "\n".join(entry))
    check_backtrace(problems, "at the trace entry", entry, [r"trace0:SET_I32", r"run_gdb_scenario", r"\bmain\b"])
    if not any(re.search(r"trace0:SET_I32 in section \.text", l) for l in entry):
        problems.append("`info symbol $pc` at the trace entry does not name trace0:SET_I32")

    helper = s.get("helper", [])
    fs = frames(helper)
    if len(fs) < 2 or "cpjit_sample_helper" not in fs[0][1] or "trace0:CALL_HELPER" not in fs[1][1]:
        problems.append("in the helper, frames #0/#1 are not cpjit_sample_helper/trace0:CALL_HELPER:\n" +
                        "\n".join(helper))
    check_backtrace(problems, "in the helper", helper,
                    [r"cpjit_sample_helper", r"trace0:CALL_HELPER", r"run_gdb_scenario", r"\bmain\b"])
    if not any(re.search(r"trace0:CALL_HELPER \+ \d+ in section \.text", l) for l in helper):
        problems.append("`info symbol $pc` in frame 1 does not name trace0:CALL_HELPER")

    freed = s.get("freed", [])
    if not any("No symbol matches" in l for l in freed):
        problems.append("after trace_freed, gdb still knows a symbol at the trace's address:\n" + "\n".join(freed))
    if "gdb scenario: ok" not in output:
        problems.append("the program did not finish its computation correctly")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    gdb = shutil.which("gdb")
    if gdb is None:
        print("FAIL: gdb is not installed (apt-get install gdb); this test needs a real gdb")
        return 1
    failed = False
    for strategy in ("dual", "mprotect"):
        output = run_gdb(gdb, sys.argv[1], strategy)
        problems = check(output, strategy)
        print(f"== {strategy}-mapped code memory: gdb session")
        for name, lines in sections(output).items():
            if name in ("trace-entry", "helper", "freed"):
                print(f"-- {name}")
                print("\n".join(l for l in lines if l.strip()))
        if problems:
            failed = True
            print(f"FAIL ({strategy}):")
            for p in problems:
                print("  " + p.replace("\n", "\n    "))
        else:
            print(f"ok ({strategy}): bt names the uop and reaches run_gdb_scenario and main")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
