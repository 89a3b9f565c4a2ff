#!/usr/bin/env python3
"""cpjit-stencilgen used offline, as the README shows it: no CMake, a committed header.

Checks that the documented command line works, that the header's first line carries the
digest, that an unchanged input leaves the header untouched, that --check tells fresh from
stale, and that the header compiles as C and C++ with gcc/g++ (no LLVM, no clang).
"""
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    print("$", " ".join(cmd))
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def main() -> int:
    generator, samples, sdk_include = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="cpjit-offline-")
    try:
        for name in ("samples.c", "sample_vm.h"):
            shutil.copy(os.path.join(samples, name), work)
        template = os.path.join(work, "samples.c")
        header = os.path.join(work, "stencils.h")
        manifest = os.path.join(work, "stencils.json")
        gen = [generator, "--target", "x86_64-linux-gnu", "-I", work, "-o", header, "--json", manifest, template]
        r = run(gen)
        assert r.returncode == 0, r.stderr
        with open(header) as f:
            first = f.readline()
        assert first.startswith("// cpjit-stencils sha256:") and len(first.strip()) == 25 + 64, first

        mtime = os.stat(header).st_mtime_ns
        r = run(gen)
        assert r.returncode == 0 and "up to date" in r.stderr, r.stderr
        assert os.stat(header).st_mtime_ns == mtime, "an unchanged input rewrote the header"

        check = [generator, "--check", "--target", "x86_64-linux-gnu", "-I", work, "-o", header, template]
        r = run(check)
        assert r.returncode == 0 and r.stdout.strip() == "up to date", (r.returncode, r.stdout)
        with open(template, "a") as f:
            f.write("\n/* an edit */\n")
        r = run(check)
        assert r.returncode == 1 and r.stdout.strip() == "stale", (r.returncode, r.stdout)

        # A project that commits the header builds without LLVM: compile it with gcc and g++.
        use = os.path.join(work, "use.c")
        with open(use, "w") as f:
            f.write('#include "stencils.h"\n'
                    "int main(void) { return cpjit_stencils_samples_x86_64.stencil_count == 25 ? 0 : 1; }\n")
        for compiler, source in (("gcc", use), ("g++", use)):
            exe = os.path.join(work, "use_" + compiler.replace("+", "p"))
            lang = ["-x", "c++"] if compiler == "g++" else []
            r = run([compiler, "-Wall", "-Werror", *lang, "-I", work, "-I", sdk_include, source, "-o", exe])
            assert r.returncode == 0, r.stderr
            r = run([exe])
            assert r.returncode == 0, f"{exe} exited {r.returncode}"
        print("offline generation works")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
