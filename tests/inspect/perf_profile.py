#!/usr/bin/env python3
"""Profiles jit_program with perf, or checks the files perf would read when perf cannot record.

  perf_profile.py JIT_PROGRAM

Always: runs `jit_program perf` with CPJIT_PERF=map,jitdump and checks both files with a parser
of its own (perf map line format, entries per uop that tile each trace; jitdump header, record
layout, sizes, indexes, timestamps, code bytes consistent with the map).

Then, if `perf record -e cpu-clock` works on this machine:
  - jitdump: perf record -k mono, perf inject --jit, perf report: most samples are in
    trace<N>:<UOP> symbols, including the hot uops, and perf annotate shows instructions;
  - perf map: perf record, perf report: the same, read from /tmp/perf-<pid>.map.
The test prints which of the two it did. perf's build-id cache goes to a temporary directory.
"""
import glob
import os
import platform
import re
import shutil
import struct
import subprocess
import sys
import tempfile

EXPECTED_UOPS = {
    "trace0": ["SWITCH", "ADD", "ADD_IMM", "JUMP_IF_LT", "EXIT"],
    "trace1": ["I2F", "FMA_CONST", "ADD_IMM", "JUMP_IF_LT", "EXIT"],
}
HOT = ["trace0:SWITCH", "trace1:FMA_CONST"]
JIT_MAGIC = 0x4A695444
ELF_MACHINE = {"x86_64": 62, "aarch64": 183}


def run(args, env=None, timeout=600):
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)


def program_pid(output):
    m = re.search(r"jit_program pid (\d+)", output)
    return int(m.group(1)) if m else None


# ---- perf map ----------------------------------------------------------------------------

def parse_map(path, problems):
    entries = []
    with open(path, encoding="ascii", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = re.fullmatch(r"([0-9a-f]+) ([0-9a-f]+) (\S.*)\n", line)
            if not m:
                problems.append(f"{path}:{number}: not '<start hex> <size hex> <name>': {line!r}")
                continue
            entries.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    return entries


def check_map(entries, problems):
    names = [e[2] for e in entries]
    if "cpjit_entry" not in names:
        problems.append("perf map: no entry for the entry shim (cpjit_entry)")
    for trace, uops in EXPECTED_UOPS.items():
        mine = [e for e in entries if e[2].startswith(trace + ":")]
        got = [e[2].split(":", 1)[1] for e in mine]
        if got[:len(uops)] != uops:
            problems.append(f"perf map: {trace} uops {got[:len(uops)]}, expected {uops}")
        if not {"trap", "exit0"} <= set(got):
            problems.append(f"perf map: {trace} has no trap or exit stub entry: {got}")
        if any(e[1] == 0 for e in mine):
            problems.append(f"perf map: {trace} has an empty entry")
        # The entries of a trace tile it: in order, no overlap (perf resolves overlaps arbitrarily).
        for a, b in zip(mine, mine[1:]):
            if b[0] < a[0] + a[1]:
                problems.append(f"perf map: {a[2]} and {b[2]} overlap")
        if trace in names:
            problems.append(f"perf map: a whole-trace entry {trace} would shadow its first uop")


# ---- jitdump -----------------------------------------------------------------------------

def parse_jitdump(path, problems):
    data = open(path, "rb").read()
    if len(data) < 40:
        problems.append(f"{path}: {len(data)} bytes, shorter than the 40-byte header")
        return None, []
    magic, version, header_size, elf_mach, _pad, pid, _ts, flags = struct.unpack_from("<IIIIIIQQ", data, 0)
    header = {"pid": pid, "elf_mach": elf_mach}
    if magic != JIT_MAGIC:
        problems.append(f"jitdump: magic {magic:#x}, expected {JIT_MAGIC:#x}")
    if version != 1 or header_size != 40 or flags != 0:
        problems.append(f"jitdump: version {version}, header size {header_size}, flags {flags}")
    expected_mach = ELF_MACHINE.get(platform.machine())
    if expected_mach is not None and elf_mach != expected_mach:
        problems.append(f"jitdump: elf_mach {elf_mach}, expected {expected_mach}")
    records, offset, last_time, last_index = [], header_size, 0, -1
    while offset < len(data):
        if offset + 16 > len(data):
            problems.append(f"jitdump: truncated record header at {offset}")
            break
        kind, size, timestamp = struct.unpack_from("<IIQ", data, offset)
        if size < 16 or offset + size > len(data):
            problems.append(f"jitdump: record at {offset} has size {size} (file {len(data)} bytes)")
            break
        if timestamp < last_time:
            problems.append(f"jitdump: record at {offset} goes back in time")
        last_time = timestamp
        if kind == 0:
            rpid, tid, vma, code_addr, code_size, index = struct.unpack_from("<IIQQQQ", data, offset + 16)
            name_end = data.find(b"\0", offset + 56, offset + size)
            if name_end < 0:
                problems.append(f"jitdump: load record at {offset} has no NUL-terminated name")
                break
            name = data[offset + 56:name_end].decode("ascii", "replace")
            code = data[name_end + 1:offset + size]
            if len(code) != code_size:
                problems.append(f"jitdump: {name}: {len(code)} code bytes in the record, code_size {code_size}")
            if vma != code_addr or rpid != pid or tid == 0:
                problems.append(f"jitdump: {name}: vma {vma:#x} code_addr {code_addr:#x} pid {rpid} tid {tid}")
            if index <= last_index:
                problems.append(f"jitdump: {name}: code_index {index} after {last_index}")
            last_index = index
            records.append({"name": name, "address": code_addr, "size": code_size, "code": code})
        elif kind == 3:
            if size != 16:
                problems.append(f"jitdump: close record of {size} bytes")
            records.append({"name": None, "close": True})
        else:
            problems.append(f"jitdump: unexpected record type {kind} at {offset}")
        offset += size
    if not records or not records[-1].get("close"):
        problems.append("jitdump: does not end with JIT_CODE_CLOSE (the program exits normally)")
    return header, [r for r in records if r.get("name")]


def check_jitdump(records, map_entries, problems):
    by_name = {}
    for r in records:
        by_name.setdefault(r["name"], []).append(r)
    for trace, uops in EXPECTED_UOPS.items():
        if trace not in by_name:
            problems.append(f"jitdump: no record for the whole of {trace}")
            continue
        whole = by_name[trace][0]
        parts = [r for r in records if r["name"].startswith(trace + ":")]
        got = [r["name"].split(":", 1)[1] for r in parts]
        if got[:len(uops)] != uops:
            problems.append(f"jitdump: {trace} uops {got[:len(uops)]}, expected {uops}")
        for r in parts:
            start = r["address"] - whole["address"]
            if start < 0 or start + r["size"] > whole["size"]:
                problems.append(f"jitdump: {r['name']} lies outside {trace}")
            elif r["code"] != whole["code"][start:start + r["size"]]:
                problems.append(f"jitdump: {r['name']}'s code differs from the same bytes of {trace}")
    # The map and the jitdump describe the same code the same way.
    in_map = {(e[2], e[0], e[1]) for e in map_entries}
    for r in records:
        if r["name"] not in EXPECTED_UOPS and (r["name"], r["address"], r["size"]) not in in_map:
            problems.append(f"jitdump: {r['name']} at {r['address']:#x} ({r['size']} bytes) is not in the perf map")


def structural_check(program, tmp):
    problems = []
    env = dict(os.environ, CPJIT_PERF="map,jitdump", CPJIT_PERF_DIR=tmp)
    result = run([program, "perf", "200"], env=env)
    pid = program_pid(result.stdout)
    map_path = f"/tmp/perf-{pid}.map"
    try:
        if result.returncode != 0 or pid is None:
            return [f"jit_program failed ({result.returncode}):\n{result.stdout}{result.stderr}"]
        if "warning" in result.stderr:
            problems.append("jit_program warned: " + result.stderr.strip())
        if not os.path.exists(map_path):
            return problems + [f"{map_path} was not written"]
        dumps = glob.glob(os.path.join(tmp, f"jit-{pid}.dump"))
        if not dumps:
            return problems + [f"no jit-{pid}.dump in {tmp}"]
        entries = parse_map(map_path, problems)
        check_map(entries, problems)
        header, records = parse_jitdump(dumps[0], problems)
        if header and header["pid"] != pid:
            problems.append(f"jitdump: header pid {header['pid']}, program pid {pid}")
        check_jitdump(records, entries, problems)
        print(f"structure: {len(entries)} perf map entries, {len(records)} jitdump load records checked")
    finally:
        if pid is not None and os.path.exists(map_path):
            os.unlink(map_path)
    return problems


# ---- perf --------------------------------------------------------------------------------

def perf_can_record(perf, tmp):
    probe = os.path.join(tmp, "probe.data")
    r = run([perf, "--buildid-dir", os.path.join(tmp, "buildid"), "record", "-e", "cpu-clock", "-k", "mono", "-N",
             "-q", "-o", probe, "--", "true"])
    return r.returncode == 0 and os.path.exists(probe) and os.path.getsize(probe) > 0, r.stderr.strip()


def report_symbols(perf, tmp, data):
    r = run([perf, "--buildid-dir", os.path.join(tmp, "buildid"), "report", "-i", data, "--stdio", "--sort", "sym"])
    symbols = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^\s+([\d.]+)%\s+\[\.\]\s+(\S+)", line)
        if m:
            symbols[m.group(2)] = symbols.get(m.group(2), 0.0) + float(m.group(1))
    return symbols, r


def check_report(what, symbols, report, problems):
    jit = {name: share for name, share in symbols.items() if re.fullmatch(r"trace\d+:\w+", name)}
    total = sum(jit.values())
    top = sorted(jit.items(), key=lambda kv: -kv[1])[:8]
    print(f"{what}: {total:.1f}% of samples in trace<N>:<UOP> symbols; top: " +
          ", ".join(f"{n} {s:.1f}%" for n, s in top))
    if total < 50:
        problems.append(f"{what}: only {total:.1f}% of samples in JIT symbols:\n{report.stdout[-3000:]}")
    for name in HOT:
        if jit.get(name, 0) < 1:
            problems.append(f"{what}: the hot uop {name} has no samples")


def perf_check(perf, program, tmp):
    problems = []
    buildid = ["--buildid-dir", os.path.join(tmp, "buildid")]

    # jitdump: timestamps must be CLOCK_MONOTONIC on both sides (-k mono).
    data, injected = os.path.join(tmp, "jit.data"), os.path.join(tmp, "jit.inject.data")
    env = dict(os.environ, CPJIT_PERF="jitdump", CPJIT_PERF_DIR=tmp)
    r = run([perf] + buildid + ["record", "-e", "cpu-clock", "-k", "mono", "-N", "-q", "-o", data, "--",
                                program, "perf", "1500"], env=env)
    if r.returncode != 0:
        return [f"perf record (jitdump) failed:\n{r.stdout}{r.stderr}"]
    r = run([perf] + buildid + ["inject", "--jit", "-i", data, "-o", injected])
    if r.returncode != 0:
        return [f"perf inject --jit failed:\n{r.stdout}{r.stderr}"]
    if not glob.glob(os.path.join(tmp, "jitted-*.so")):
        problems.append("perf inject --jit wrote no jitted-*.so: it did not find the jitdump")
    symbols, report = report_symbols(perf, tmp, injected)
    check_report("perf report (jitdump)", symbols, report, problems)
    r = run([perf] + buildid + ["annotate", "-i", injected, "--stdio", "-s", HOT[0]])
    instructions = [l for l in r.stdout.splitlines() if re.match(r"^\s+[\d.]+\s+:\s+[0-9a-f]+:\s+[a-z]", l)]
    print(f"perf annotate {HOT[0]}: {len(instructions)} instructions with sample shares")
    if len(instructions) < 5:
        problems.append(f"perf annotate -s {HOT[0]} shows no instructions:\n{r.stdout[-2000:]}{r.stderr[-1000:]}")

    # perf map: the program picks mprotect'ed code memory because the observers ask for it.
    data = os.path.join(tmp, "map.data")
    env = dict(os.environ, CPJIT_PERF="map")
    r = run([perf] + buildid + ["record", "-e", "cpu-clock", "-N", "-q", "-o", data, "--", program, "perf", "1500"],
            env=env)
    pid = program_pid(r.stdout)
    try:
        if r.returncode != 0:
            return problems + [f"perf record (map) failed:\n{r.stdout}{r.stderr}"]
        symbols, report = report_symbols(perf, tmp, data)
        check_report("perf report (perf map)", symbols, report, problems)
    finally:
        if pid is not None and os.path.exists(f"/tmp/perf-{pid}.map"):
            os.unlink(f"/tmp/perf-{pid}.map")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="cpjit-perf-")
    try:
        problems = structural_check(program, tmp)
        perf = shutil.which("perf")
        can, why = perf_can_record(perf, tmp) if perf else (False, "perf is not installed")
        if can:
            print("perf can record here: profiling with perf record / inject / report / annotate")
            problems += perf_check(perf, program, tmp)
        else:
            print(f"perf cannot record here ({why or 'no data'}): only the files' structure was checked")
        if problems:
            print("FAIL:")
            for p in problems:
                print("  " + p.replace("\n", "\n    "))
            return 1
        print("ok")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
