#!/usr/bin/env python3
"""Golden-file check: runs a command and compares its standard output with a checked-in file.

  golden.py EXPECTED_FILE -- COMMAND [ARGS...]

A mismatch prints a unified diff and fails. With CPJIT_BLESS=1 in the environment the file is
rewritten instead (`CPJIT_BLESS=1 ctest -R golden`).
"""
import difflib
import os
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    expected_path, command = sys.argv[1], sys.argv[3:]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"command failed with status {run.returncode}: {' '.join(command)}\n{run.stderr}")
        return 1
    actual = run.stdout
    if os.environ.get("CPJIT_BLESS") == "1":
        os.makedirs(os.path.dirname(expected_path) or ".", exist_ok=True)
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(actual)
        print(f"blessed {expected_path}")
        return 0
    try:
        with open(expected_path, encoding="utf-8") as f:
            expected = f.read()
    except FileNotFoundError:
        print(f"{expected_path} does not exist; run with CPJIT_BLESS=1 to create it")
        return 1
    if actual == expected:
        print(f"{expected_path}: identical")
        return 0
    diff = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                fromfile=expected_path, tofile="actual")
    sys.stdout.writelines(diff)
    print(f"\n{expected_path} differs; if the change is intended, rerun with CPJIT_BLESS=1")
    return 1


if __name__ == "__main__":
    sys.exit(main())
