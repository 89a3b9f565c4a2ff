#!/usr/bin/env python3
"""Every way out of a stencil survives the generator's branch rewrites.

Compiles shapes/tails.c (and any template given after it) for x86-64 and AArch64 and checks
each uop stencil's last instruction: a stencil that does not fall through into the next one
must end in an unconditional transfer (a jump, a tail call, a return); one that falls through
may end anywhere, its end being the way on. A conditional branch or any other instruction last
in a stencil that does not fall through would run into whatever code the JIT copies after it
(a real bug of the AArch64 tail folding: the exit of a float loop's step was lost that way).
"""
import os
import sys
import tempfile

from manifest import stencils_of

UNCONDITIONAL = {"b", "br", "ret", "jmp", "jmpq", "ret", "retq"}


def main() -> int:
    generator, include = sys.argv[1:3]
    templates = sys.argv[3:] or [os.path.join(os.path.dirname(os.path.abspath(__file__)), "shapes", "tails.c")]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="cpjit-tails-") as work:
        for template in templates:
            for target in ("x86_64", "aarch64"):
                stencils = stencils_of(generator, include, template, target, work)
                if stencils is None:
                    return 1
                checked = 0
                for s in stencils:
                    if s["role"] != "uop" or not s.get("disassembly"):
                        continue
                    meta = s.get("meta") or {}
                    last = s["disassembly"][-1]["text"].split()[0]
                    checked += 1
                    if not s["falls_through"] and last not in UNCONDITIONAL:
                        failures += 1
                        print("FAIL %s %s: ends in '%s' without falling through" % (target, s["name"], s["disassembly"][-1]["text"]))
                print("%s %s: %d uop stencils checked" % (os.path.basename(template), target, checked))
                if checked == 0:
                    print("FAIL: no uop stencils in", template, target)
                    failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
