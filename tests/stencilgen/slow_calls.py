#!/usr/bin/env python3
"""CPJIT_CALL keeps a slow path's stack frame off the fast path (x86-64).

Compiles shapes/slow_calls.c and follows each uop stencil's fast path: from its first
instruction up to the first jump out of the stencil, the instructions clang placed first. The
stencil with CPJIT_CALL must not adjust the stack pointer there (push, pop, sub/add/lea on
rsp); the same stencil without it does (the frame set up on entry that CPJIT_CALL exists to
avoid), which shows the check can tell the two apart. AArch64 is compiled too and must give
stencils; clang shrink-wraps there either way.
"""
import os
import re
import sys
import tempfile

from manifest import stencils_of

STACK = re.compile(r"^(push|pop)|%rsp\b")


def fast_path(stencil):
    """Instructions from the start to the first unconditional transfer (inclusive)."""
    out = []
    for insn in stencil["disassembly"]:
        out.append(insn["text"])
        if insn["text"].split()[0] in ("jmp", "jmpq", "retq", "ret"):
            break
    return out


def main() -> int:
    generator, include = sys.argv[1:3]
    template = os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapes", "slow_calls.c")
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cpjit-slow-calls-") as work:
        for target in ("x86_64", "aarch64"):
            listed = stencils_of(generator, include, template, target, work)
            if listed is None:
                return 1
            stencils = {s["name"]: s for s in listed if s["role"] == "uop"}
            if set(stencils) != {"FETCH_PINNED", "FETCH_PLAIN"}:
                print("FAIL %s: stencils %s" % (target, sorted(stencils)))
                failures += 1
                continue
            if target != "x86_64":
                print("%s: %d stencils" % (target, len(stencils)))
                continue
            for name, want_frame in (("FETCH_PINNED", False), ("FETCH_PLAIN", True)):
                path = fast_path(stencils[name])
                touches = [t for t in path if STACK.search(t)]
                print("%s %s fast path: %s" % (target, name, " ; ".join(path)))
                if bool(touches) != want_frame:
                    failures += 1
                    print("FAIL %s %s: the fast path %s the stack (%s)" %
                          (target, name, "touches" if touches else "does not touch", touches or "-"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
