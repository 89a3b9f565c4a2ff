#!/usr/bin/env python3
"""Builds examples/bf as a separate project against a staged install of cpjit and runs its
programs in the three modes, comparing every output with the expected one.

  bf_example.py CPJIT_BUILD_DIR SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys


def run(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        print(r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace"))
    return r


def main() -> int:
    build, source, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    prefix = os.path.join(work, "prefix")
    r = run(["cmake", "--install", build, "--prefix", prefix])
    if r.returncode != 0:
        return 1
    example = os.path.join(source, "examples", "bf")
    bf_build = os.path.join(work, "bf")
    r = run(["cmake", "-S", example, "-B", bf_build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             f"-DCMAKE_PREFIX_PATH={prefix}"])
    if r.returncode != 0 or run(["cmake", "--build", bf_build]).returncode != 0:
        return 1
    bfjit = os.path.join(bf_build, "bfjit")
    programs = os.path.join(example, "programs")
    failures = 0
    for name in sorted(f[:-3] for f in os.listdir(programs) if f.endswith(".bf")):
        with open(os.path.join(programs, name + ".expected"), "rb") as f:
            expected = f.read()
        data_path = os.path.join(programs, name + ".input")
        data = open(data_path, "rb").read() if os.path.exists(data_path) else b""
        for mode in ("0", "interp", "jit"):
            env = dict(os.environ, CPJIT=mode)
            r = subprocess.run([bfjit, "-v", os.path.join(programs, name + ".bf")], input=data, env=env,
                               capture_output=True, timeout=300)
            stats = r.stderr.decode(errors="replace").strip()
            ok = r.returncode == 0 and r.stdout == expected
            # Programs with hot loops must really have been compiled in the tier-2 modes.
            if ok and mode != "0" and name in ("busy", "triangle"):
                ok = "traces compiled 0," not in stats and "traces compiled" in stats
            print(f"{'ok  ' if ok else 'FAIL'} {name:9} CPJIT={mode:6} {stats}")
            failures += not ok
    # A malformed program is refused with a message, not a crash.
    bad = os.path.join(work, "bad.bf")
    with open(bad, "w") as f:
        f.write("+[>+<-]]")
    r = subprocess.run([bfjit, bad], capture_output=True)
    if r.returncode != 2 or b"unmatched ]" not in r.stderr:
        print("FAIL malformed program:", r.returncode, r.stderr)
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
