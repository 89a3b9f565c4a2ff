#!/usr/bin/env python3
"""Runs cpjit-stencilgen on a template it must refuse and checks the message.

The template says what to expect in comments:
  // expect: TEXT            every target's error message contains TEXT
  // expect-<arch>: TEXT     only that target's (x86_64, aarch64)
  // flags: ARGS             extra generator arguments
  // targets: ARCH...        which targets to try (default: x86_64 aarch64)
"""
import shlex
import subprocess
import sys


def main() -> int:
    generator, template = sys.argv[1], sys.argv[2]
    expects, flags, targets = {"*": []}, [], ["x86_64", "aarch64"]
    with open(template, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("// "):
                continue
            key, _, value = line[3:].partition(": ")
            if key == "expect":
                expects["*"].append(value)
            elif key.startswith("expect-"):
                expects.setdefault(key[len("expect-"):], []).append(value)
            elif key == "flags":
                flags += shlex.split(value)
            elif key == "targets":
                targets = value.split()
    if not expects["*"] and len(expects) == 1:
        print(f"{template}: no '// expect:' line", file=sys.stderr)
        return 2
    failures = 0
    for target in targets:
        cmd = [generator, "--target", target, "-q", "--text", "/dev/null", *flags, template]
        run = subprocess.run(cmd, capture_output=True, text=True)
        message = run.stderr
        wanted = expects["*"] + expects.get(target, [])
        missing = [w for w in wanted if w not in message]
        if run.returncode != 1 or missing or "internal error" in message:
            failures += 1
            print(f"FAIL [{target}] {' '.join(cmd)}\n  exit status {run.returncode} (want 1)")
            for w in missing:
                print(f"  missing from the message: {w!r}")
            print("  message was:\n    " + message.replace("\n", "\n    "))
        else:
            print(f"ok   [{target}] {message.strip()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
