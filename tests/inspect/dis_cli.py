#!/usr/bin/env python3
"""cpjit-dis from the command line: formats, output files, and clear refusals.

  dis_cli.py CPJIT_DIS DUMP_DIR MANIFEST

Bad input (missing file, a directory, not JSON, wrong format, unknown architecture, bad fields)
must give exit status 1 and a message naming the file and the problem; bad usage status 2;
never a crash (a signal) or a traceback-like dump.
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    dis, dumps, manifest = sys.argv[1:]
    dump = os.path.join(dumps, "calls_aarch64.json")
    problems = []

    def run(args, stdin=None):
        r = subprocess.run([dis] + args, capture_output=True, text=True, input=stdin, timeout=120)
        if r.returncode < 0:
            problems.append(f"cpjit-dis {' '.join(args)}: killed by signal {-r.returncode}")
        return r

    def expect_ok(args, needle, stdin=None):
        r = run(args, stdin)
        if r.returncode != 0 or needle not in r.stdout:
            problems.append(f"cpjit-dis {' '.join(args)}: status {r.returncode}, wanted {needle!r} in:\n"
                            f"{r.stdout[:500]}{r.stderr[:500]}")
        return r

    def expect_error(args, status, *needles, stdin=None):
        r = run(args, stdin)
        if r.returncode != status:
            problems.append(f"cpjit-dis {' '.join(args)}: status {r.returncode}, expected {status}")
        for needle in needles:
            if needle not in r.stderr:
                problems.append(f"cpjit-dis {' '.join(args)}: {needle!r} not in the message: {r.stderr!r}")
        if r.stdout:
            problems.append(f"cpjit-dis {' '.join(args)}: printed output although it failed")

    # Formats.
    text = expect_ok([dump], "uop 1: CALL_HELPER").stdout
    expect_ok(["--text", dump], "symbol cpjit_sample_helper = 0x10400000")
    r = expect_ok(["--json", dump], '"format": "cpjit-dis"')
    try:
        doc = json.loads(r.stdout)
        if doc.get("source") != "trace-dump" or doc.get("arch") != "aarch64":
            problems.append("--json: wrong source or arch")
    except json.JSONDecodeError as e:
        problems.append(f"--json output is not JSON: {e}")
    expect_ok(["--html", dump], "<!DOCTYPE html>")
    expect_ok([manifest], "stencil CALL_HELPER (uop, falls through)")
    with open(dump) as f:
        if expect_ok(["-"], "uop 1: CALL_HELPER", stdin=f.read()).stdout != text.replace(dump, "<stdin>"):
            problems.append("reading standard input gives a different listing")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "calls.html")
        r = run(["--html", "-o", out, dump])
        if r.returncode != 0 or r.stdout or not open(out).read().startswith("<!DOCTYPE html>"):
            problems.append("-o FILE did not write the page to FILE")
        expect_error(["-o", os.path.join(tmp, "no", "such", "dir.txt"), dump], 1, "cannot write")

        # Bad input.
        expect_error([os.path.join(tmp, "missing.json")], 1, "missing.json: cannot open")
        expect_error([tmp], 1, "is a directory")
        bad = os.path.join(tmp, "bad.json")

        def write(text):
            with open(bad, "w") as f:
                f.write(text)

        write("this is not json")
        expect_error([bad], 1, "bad.json: not JSON")
        write("")
        expect_error([bad], 1, "bad.json: not JSON")
        write('{"format": "elf"}')
        expect_error([bad], 1, "bad.json: format: \"elf\" is neither")
        with open(dump) as f:
            good = json.load(f)
        for change, needle in [
            (lambda j: j.update(arch="mips"), "unknown architecture \"mips\""),
            (lambda j: j.update(version=99), "dump format version 99"),
            (lambda j: j["holes"][3].update(offset=123456), "holes[3]: bytes 123456+1 lie outside"),
            (lambda j: j["uops"][0].pop("name"), "uops[0]: missing \"name\""),
            (lambda j: j.update(code=j["code"][:-1]), "odd number of hex digits"),
        ]:
            j = json.loads(json.dumps(good))
            change(j)
            write(json.dumps(j))
            expect_error([bad], 1, "bad.json: " if "version" not in needle else "bad.json", needle)
        with open(manifest) as f:
            m = json.load(f)
        m["arch"] = "sparc"
        write(json.dumps(m))
        expect_error([bad], 1, "unknown architecture \"sparc\"")

    # Bad usage.
    expect_error([], 2, "no input")
    expect_error(["--pdf", dump], 2, "unknown option --pdf")
    expect_error([dump, dump], 2, "one input at a time")
    expect_error(["-o"], 2, "-o needs a file name")

    if problems:
        print("FAIL:")
        for p in problems:
            print("  " + p.replace("\n", "\n    "))
        return 1
    print("ok: formats, output files, refusals and usage errors behave")
    return 0


if __name__ == "__main__":
    sys.exit(main())
