#!/usr/bin/env python3
"""Runs Lua programs through cpjit-lua and compares them with their expected results.

For each program NAME.lua in the corpus directory:
  NAME.out    expected standard output (byte for byte)
  NAME.err    optional: expected first line of standard error; the program must then exit
              with a non-zero status (lua5.4's "lua5.4:" prefix reads "cpjit-lua:")
  NAME.args   optional: command-line arguments, one per line
  NAME.stdin  optional: standard input

When a reference interpreter is available (--reference, default lua5.4 if installed; never
when --emulator is given, since the reference runs on the host), each program first runs
under it and must still produce the checked-in expectations: they cannot drift from lua5.4.

  run_corpus.py --interp build/examples/lua/cpjit-lua --corpus tests/lua/corpus [NAME...]
  CPJIT_BLESS=1 run_corpus.py ...      rewrites the expectations from the reference
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys

TIMEOUT = 120


def first_line(data: bytes) -> bytes:
    return data.split(b"\n", 1)[0]


def run(cmd, cwd, stdin_data, env=None, argv0=None):
    try:
        p = subprocess.run(([argv0] + cmd[1:]) if argv0 else cmd, executable=cmd[0] if argv0 else None,
                           cwd=cwd, input=stdin_data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return None
    return p


def load_case(corpus, name):
    base = os.path.join(corpus, name)
    case = {"name": name, "script": name + ".lua"}
    for ext in ("out", "err", "stdin"):
        path = base + "." + ext
        case[ext] = open(path, "rb").read() if os.path.exists(path) else None
    args_path = base + ".args"
    case["args"] = open(args_path).read().split("\n") if os.path.exists(args_path) else []
    case["args"] = [a for a in case["args"] if a != ""]
    return case


def describe(p):
    if p is None:
        return "timed out"
    return "exit %d, stderr: %s" % (p.returncode, first_line(p.stderr).decode("utf-8", "replace"))


def check(case, p, prefix):
    """Returns a list of problems with result p against the case's expectations."""
    problems = []
    if p is None:
        return ["timed out after %ds" % TIMEOUT]
    if case["out"] is not None and p.stdout != case["out"]:
        problems.append("stdout differs")
    if case["err"] is None:
        if p.returncode != 0:
            problems.append("unexpected failure (%s)" % describe(p))
    else:
        if p.returncode == 0:
            problems.append("expected a non-zero exit status")
        got = first_line(p.stderr)
        if got.startswith(prefix + b":"):
            got = b"cpjit-lua:" + got[len(prefix) + 1:]
        if got != first_line(case["err"]):
            problems.append("stderr differs:\n  expected: %s\n  got:      %s" % (
                first_line(case["err"]).decode("utf-8", "replace"), got.decode("utf-8", "replace")))
    return problems


def diff_text(expected, got):
    import difflib
    e = expected.decode("utf-8", "replace").splitlines(keepends=True)
    g = got.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(list(difflib.unified_diff(e, g, "expected", "got"))[:60])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True, help="cpjit-lua binary")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--reference", default=None, help="reference interpreter (default: lua5.4)")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--emulator", default="", help="command prefix to run the interpreter (qemu)")
    ap.add_argument("names", nargs="*")
    opts = ap.parse_args()

    corpus = os.path.abspath(opts.corpus)
    names = opts.names or sorted(f[:-4] for f in os.listdir(corpus) if f.endswith(".lua"))
    emulator = shlex.split(opts.emulator) if opts.emulator else []
    reference = None
    if not opts.no_reference and not emulator:
        reference = opts.reference or shutil.which("lua5.4")
    bless = os.environ.get("CPJIT_BLESS") == "1"
    if bless and reference is None:
        print("CPJIT_BLESS=1 needs the reference interpreter (lua5.4)")
        return 2

    failures = 0
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env["TZ"] = "UTC"
    for name in names:
        case = load_case(corpus, name)
        if reference:
            # argv[0] "lua5.4" makes the reference's messages start with "lua5.4:".
            ref = run([reference, case["script"]] + case["args"], corpus, case["stdin"], env, "lua5.4")
            if bless and ref is not None:
                open(os.path.join(corpus, name + ".out"), "wb").write(ref.stdout)
                err_path = os.path.join(corpus, name + ".err")
                if ref.returncode != 0:
                    line = first_line(ref.stderr)
                    if line.startswith(b"lua5.4:"):
                        line = b"cpjit-lua:" + line[len(b"lua5.4:"):]
                    open(err_path, "wb").write(line + b"\n")
                elif os.path.exists(err_path):
                    os.remove(err_path)
                case = load_case(corpus, name)
            problems = check(case, ref, b"lua5.4")
            if problems:
                failures += 1
                print("DRIFT %s: the expectations no longer match %s" % (name, reference))
                for pr in problems:
                    print("  " + pr)
                if ref is not None and case["out"] is not None and ref.stdout != case["out"]:
                    print(diff_text(case["out"], ref.stdout))
                continue
        interp = os.path.abspath(opts.interp)
        # A heap limit far below what the allocation-heavy programs allocate in total: the
        # collector must keep memory bounded.
        interp_env = dict(env)
        interp_env["CPJIT_LUA_HEAP_LIMIT_MB"] = "128"
        got = run(emulator + [interp, case["script"]] + case["args"], corpus, case["stdin"], interp_env)
        problems = check(case, got, b"cpjit-lua")
        if problems:
            failures += 1
            print("FAIL %s" % name)
            for pr in problems:
                print("  " + pr)
            if got is not None and case["out"] is not None and got.stdout != case["out"]:
                print(diff_text(case["out"], got.stdout))
            if got is not None and got.returncode != 0 and case["err"] is None:
                print(got.stderr.decode("utf-8", "replace")[:2000])
        else:
            print("ok   %s" % name)
    print("%d of %d failed" % (failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
