#!/usr/bin/env python3
"""Where a cpjit-lua run spends its instructions, per uop.

Runs one program under `valgrind --tool=callgrind` with the JIT's trace dumps on
(CPJIT_DUMP), then charges every executed instruction of trace code to the uop whose stencil
it belongs to (or to the trace's exit stubs), and every other instruction to its C/C++
function. Instruction counts are exact and do not depend on the machine's load, so two builds
can be compared run against run.

usage: uop_profile.py --interp build/examples/lua/cpjit-lua [--top N] [--stdin FILE] PROGRAM [ARGS...]
"""
import argparse
import bisect
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile


def parse_callgrind(path):
    """Self cost per instruction address, and the function name of each address."""
    cost = collections.Counter()
    fn_of = {}
    names = {}  # compressed name ids: (kind, id) -> name
    fn = "?"
    last = 0
    after_calls = False
    pos_re = re.compile(r"^(0x[0-9a-fA-F]+|[+-][0-9]+|\*)\s+([0-9]+)")

    def name(kind, text):
        m = re.match(r"\((\d+)\)(?:\s+(.*))?$", text)
        if not m:
            return text
        if m.group(2) is not None:
            names[(kind, m.group(1))] = m.group(2)
        return names.get((kind, m.group(1)), "?")

    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                m = pos_re.match(line)
                if not m:
                    continue
                p = m.group(1)
                if p == "*":
                    addr = last
                elif p[0] in "+-":
                    addr = last + int(p)
                else:
                    addr = int(p, 16)
                last = addr
                if after_calls:  # inclusive cost of a call: not this address's own
                    after_calls = False
                    continue
                cost[addr] += int(m.group(2))
                fn_of.setdefault(addr, fn)
            elif line.startswith("fn="):
                fn = name("fn", line[3:])
            elif line.startswith("cfn="):
                name("fn", line[4:])  # a name's first mention may be as a callee
            elif line.startswith("calls="):
                after_calls = True
    return cost, fn_of


def load_traces(dump_dir):
    """(start, end, hot_end, uops[(start, end, name)]) for every dumped trace."""
    traces = []
    for path in glob.glob(os.path.join(dump_dir, "trace*.json")):
        with open(path) as f:
            d = json.load(f)
        base = int(d["address"], 16)
        uops = [(base + u["offset"], base + u["offset"] + u["size"], u["name"], d["trace"], u["index"],
                 " ".join(u["operands"])) for u in d["uops"]]
        traces.append((base, base + d["size"], base + d["hot_size"], uops))
    traces.sort()
    return traces


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--interp", required=True, help="the cpjit-lua binary")
    ap.add_argument("--top", type=int, default=25, help="rows per table (default 25)")
    ap.add_argument("--mode", default="1", help="CPJIT value for the run (default 1, the JIT)")
    ap.add_argument("--sites", type=int, default=0, help="also list the N costliest uops of all traces")
    ap.add_argument("--stdin", help="a file to give the program as its standard input")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    if not args.program:
        ap.error("a Lua program to run is needed")

    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "dump")
        os.mkdir(dump)
        out = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ, CPJIT=args.mode, CPJIT_DUMP=dump)
        cmd = ["valgrind", "--tool=callgrind", "--dump-instr=yes", "--dump-line=no",
               f"--callgrind-out-file={out}", args.interp] + args.program
        stdin = open(args.stdin, "rb") if args.stdin else subprocess.DEVNULL
        run = subprocess.run(cmd, env=env, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        if args.stdin:
            stdin.close()
        if run.returncode != 0 or not os.path.exists(out):
            sys.stderr.write(run.stderr)
            sys.exit(f"uop_profile: the run failed (exit {run.returncode})")
        cost, fn_of = parse_callgrind(out)
        traces = load_traces(dump)

    total = sum(cost.values())
    per_uop = collections.Counter()
    uop_runs = collections.Counter()  # executions of a uop's first instruction
    per_fn = collections.Counter()
    per_site = collections.Counter()  # (trace, uop index, name, operands)
    site_runs = collections.Counter()
    jit_total = 0
    starts = [t[0] for t in traces]
    for addr, n in cost.items():
        i = bisect.bisect_right(starts, addr) - 1
        if i >= 0 and addr < traces[i][1]:
            start, end, hot_end, uops = traces[i]
            jit_total += n
            if addr >= hot_end:
                per_uop["(exit stubs)"] += n
                continue
            for us, ue, name, trace, index, operands in uops:
                if us <= addr < ue:
                    per_uop[name] += n
                    site = (trace, index, name, operands)
                    per_site[site] += n
                    if addr == us:
                        uop_runs[name] += n
                        site_runs[site] += n
                    break
            else:
                per_uop["(trace padding)"] += n
        else:
            per_fn[fn_of.get(addr, "?")] += n

    def pct(n):
        return f"{100.0 * n / total:6.2f}%" if total else "   -"

    print(f"instructions: {total:,}  in traces: {jit_total:,} ({pct(jit_total).strip()}), "
          f"{len(traces)} traces")
    print(f"\n{'uop':<24}{'instructions':>16}{'share':>9}{'runs':>14}{'per run':>9}")
    for name, n in per_uop.most_common(args.top):
        runs = uop_runs.get(name, 0)
        per = f"{n / runs:9.1f}" if runs else f"{'':>9}"
        print(f"{name:<24}{n:>16,}{pct(n):>9}{runs:>14,}{per}")
    if args.sites:
        print(f"\n{'trace / uop':<40}{'instructions':>16}{'share':>9}{'runs':>14}{'per run':>9}")
        for site, n in per_site.most_common(args.sites):
            trace, index, name, operands = site
            runs = site_runs.get(site, 0)
            per = f"{n / runs:9.1f}" if runs else f"{'':>9}"
            label = f"{trace} #{index} {name}"
            print(f"{label:<40}{n:>16,}{pct(n):>9}{runs:>14,}{per}  {operands}")
    print(f"\n{'outside traces':<60}{'instructions':>16}{'share':>9}")
    for name, n in per_fn.most_common(args.top):
        short = re.sub(r"\(.*$", "()", name.replace("(anonymous namespace)", "{anon}"))
        short = short if len(short) <= 58 else short[:55] + "..."
        print(f"{short:<60}{n:>16,}{pct(n):>9}")


if __name__ == "__main__":
    main()
