#!/usr/bin/env python3
"""Template rule 7: no x86-64 stencil touches the frame pointer.

Profilers and debuggers unwind through JIT code with the entry shim's frame (rbp), so no stencil
may use rbp, not even saved and restored around its own use: a sample taken in between would
unwind through garbage. clang's -mframe-pointer=reserved is meant to keep it out of register
allocation, but a stencil short of registers (values live across a helper call inside a loop)
was still given it, pushed and popped. Compiles the templates given (cpjit-lua's uops, the
samples) for x86-64 and fails on any instruction that names rbp, ebp, bp or bpl.
"""
import os
import re
import sys
import tempfile

from manifest import stencils_of

FRAME_POINTER = re.compile(r"%(rbp|ebp|bp|bpl)\b")


def main() -> int:
    generator, include = sys.argv[1:3]
    templates = sys.argv[3:]
    if not templates:
        print("usage: frame_pointer.py GENERATOR INCLUDE TEMPLATE...")
        return 2
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cpjit-fp-") as work:
        for template in templates:
            stencils = stencils_of(generator, include, template, "x86_64", work)
            if stencils is None:
                return 1
            checked = 0
            for s in stencils:
                if not s.get("disassembly") or s["role"] == "entry":  # the shim sets up the frame
                    continue
                checked += 1
                for insn in s["disassembly"]:
                    if FRAME_POINTER.search(insn["text"]):
                        failures += 1
                        print("FAIL %s %s: '%s' uses the frame pointer" % (os.path.basename(template), s["name"], insn["text"]))
                        break
            print("%s: %d stencils checked" % (os.path.basename(template), checked))
            if checked == 0:
                print("FAIL: no stencils in", template)
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
