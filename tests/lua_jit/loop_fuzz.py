#!/usr/bin/env python3
"""Differential fuzzer for cpjit-lua's tier 2: random Lua loops, run in tier 1 and with traces.

Each program is a few nested loops over integers, floats (some carried from one iteration to
the next), strings, tables, branches, calls (recursive ones, and ones with loops of their own)
and closures, with values that change type in the middle of a loop, integer wrap-around, division
by zero and other errors caught by pcall. Every program runs with CPJIT=0 (tier 1 only), with
the uop interpreter and with the JIT, at hotness thresholds low enough that traces form and
side exits turn into side traces; standard output, standard error and the exit status must be
identical. Programs are generated from a seed, so a failure is reproducible:

  loop_fuzz.py --interp build/examples/lua/cpjit-lua [--seed 1] [--count 200] [--keep DIR]

A failing program is written to --keep (default: the temporary directory, which is kept).
"""
import argparse
import os
import random
import shlex
import subprocess
import sys
import tempfile

MODES = [
    ("tier1", {"CPJIT": "0"}),
    ("interp", {"CPJIT": "interp"}),
    ("jit", {"CPJIT": "1"}),
]
LOW_THRESHOLDS = {"CPJIT_LUA_HOT": "2", "CPJIT_LUA_SIDE": "2"}

NUM_VARS = ["a", "b", "c", "d"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.depth = 0
        self.loop_vars = []

    def num(self):
        r = self.r.random()
        if r < 0.5:
            return str(self.r.randint(-20, 20))
        if r < 0.7:
            return "%.3f" % self.r.uniform(-10, 10)
        if r < 0.8:
            return self.r.choice(["0", "1", "2", "0.5", "-1", "3"])
        if r < 0.9:
            return self.r.choice(["9007199254740993", "-9223372036854775807", "2^53", "1e300", "0.0", "-0.0"])
        return self.r.choice(["math.huge", "-math.huge", "math.pi", "(0/0)"])

    def var(self):
        options = list(NUM_VARS) + self.loop_vars
        return self.r.choice(options)

    def atom(self):
        r = self.r.random()
        if r < 0.55:
            return self.var()
        if r < 0.8:
            return self.num()
        if r < 0.88:
            return "(t[%s] or 1)" % self.index()
        if r < 0.94:
            return "#t"
        if r < 0.96:
            return "r(%s, %d)" % (self.var(), self.r.randint(0, 7))
        if r < 0.975:
            return "w(%s, %d)" % (self.var(), self.r.randint(0, 12))
        if r < 0.985:
            return "va(%s)" % ", ".join(self.var() for _ in range(self.r.randint(0, 3)))
        if r < 0.99:
            # string builtins inlined in traces: positions of every kind, past either end
            i = self.r.choice(self.loop_vars) if self.loop_vars else str(self.r.randint(-3, 3))
            return self.r.choice(["(s:byte(%s) or -1)" % i, "#s:sub(%s, %s + 2)" % (i, i), "#string.sub(s, -%s)" % i,
                                  "string.len(s)"])
        return "%s(%s)" % (self.r.choice(["f", "f", "g", "h"]), self.var())

    def index(self):
        v = self.r.choice(self.loop_vars) if self.loop_vars else "1"
        return self.r.choice(["%s %% 8 + 1" % v, "1", "(%s // 2) %% 5 + 1" % v, "%s %% 8 + 1" % v, "%s" % v])

    def expr(self, depth=0):
        if depth > 2 or self.r.random() < 0.35:
            return self.atom()
        op = self.r.choice(["+", "-", "*", "/", "//", "%", "^", "&", "|", "~", "<<", ">>", "+", "-", "*"])
        left, right = self.expr(depth + 1), self.expr(depth + 1)
        if op in ("&", "|", "~", "<<", ">>"):
            # bitwise operators need integers: I() makes one of anything (floats with an
            # integral value now and then go straight in, which is fine for the language too)
            left, right = "I(%s)" % left, "(I(%s) %% 64)" % right
            if self.r.random() < 0.2:
                right = "I(%s)" % self.atom()
        if op == "^":
            right = self.r.choice(["2", "0.5", "3", "-1"])
        r = self.r.random()
        if r < 0.08:
            return "math.abs(%s %s %s)" % (left, op, right)
        if r < 0.14:
            return "math.max(%s, %s)" % (left, right)
        if r < 0.18:
            return "math.min(%s, %s)" % (left, right)
        if r < 0.22:
            return "math.sqrt(math.abs(%s))" % left
        if r < 0.26:
            return "math.floor(%s)" % left if self.r.random() < 0.5 else "math.ceil(%s)" % left
        if r < 0.29:
            return "math.sin(%s)" % left  # a helper call in the middle of float arithmetic
        return "(%s %s %s)" % (left, op, right)

    def cond(self):
        op = self.r.choice(["<", "<=", ">", ">=", "==", "~="])
        r = self.r.random()
        if r < 0.15:
            return "%s %s %s" % (self.var(), op, self.num())
        if r < 0.25:
            return "t[%s] == nil" % self.index()
        if r < 0.32:
            return "type(%s) == 'number'" % self.var()
        if r < 0.4:
            return "not (%s %s %s)" % (self.var(), op, self.var())
        if r < 0.48:
            lv = self.r.choice(self.loop_vars) if self.loop_vars else "a"
            return "%s %% %d == 0" % (lv, self.r.randint(2, 7))
        if r < 0.56:  # identity of strings, tables and functions, against values of any type
            left, right = self.r.choice([("s", "s .. ''"), ("t", "t"), ("t", "{}"), ("f", "g"), ("g", "g"),
                                         ("s", self.var()), (self.var(), "t"), (self.var(), "f")])
            return "%s %s %s" % (left, self.r.choice(["==", "~="]), right)
        return "%s %s %s" % (self.expr(2), op, self.expr(2))

    def stmt(self, ind):
        p = " " * ind
        r = self.r.random()
        if r < 0.32:
            # a float the loop carries from one iteration to the next (kept in a register)
            v = self.r.choice(NUM_VARS)
            return "%s%s = %s * %s + %s * 0.125\n" % (p, v, v, self.r.choice(["0.75", "0.5", "1.0009765625"]), self.atom())
        if r < 0.38:
            return "%s%s = %s\n" % (p, self.r.choice(NUM_VARS), self.expr())  # never a loop variable
        if r < 0.44:
            return "%st[%s] = %s\n" % (p, self.index(), self.expr(1))
        if r < 0.46:
            # two elements swap places (one uop when the table and both keys are in registers and
            # both keys find values in the array part)
            return "%sdo local u, i, j = t, %s, %s; u[i], u[j] = u[j], u[i] end\n" % (p, self.index(), self.index())
        if r < 0.5:
            return "%s%s = t[%s] or %s\n" % (p, self.r.choice(NUM_VARS), self.index(), self.num())
        if r < 0.54:
            return "%ss = s .. %s\n%sif #s > 40 then s = string.sub(s, -10) end\n" % (p, self.r.choice(["'x'", "math.floor(%s)" % self.var(), "'|'"]), p)
        if r < 0.58:
            # a value changes type in the middle of a loop
            lv = self.r.choice(self.loop_vars) if self.loop_vars else "1"
            v = self.r.choice(NUM_VARS)
            return "%sif %s == %d then %s = %s end\n" % (p, lv, self.r.randint(3, 40), v, self.r.choice(["0.25", "7", "'12'", "-3", "2^62"]))
        if r < 0.6:
            return "%sacc = acc + 1\n" % p
        if r < 0.62:
            # a closure made in the loop over a loop variable (fresh each iteration) and a
            # local it changes, called now or later
            lv = self.r.choice(self.loop_vars) if self.loop_vars else "n"
            v = self.r.choice(NUM_VARS)
            return "%sdo local cap = %s; local fk = function(d) cap = cap + d; %s = cap; return cap end; fk(1); cl[#cl %% 4 + 1] = fk end\n" % (p, lv, v)
        if r < 0.65:
            return "%sbump()\n" % p
        if r < 0.68:
            return "%sif %s then break end\n" % (p, self.cond()) if self.loop_vars else ""
        if r < 0.7:
            return "%scheck(%s)\n" % (p, self.expr(1))
        if self.depth >= 3:
            return "%s%s = %s\n" % (p, self.r.choice(NUM_VARS), self.expr())
        if r < 0.82:
            return self.if_stmt(ind)
        return self.loop(ind)

    def block(self, ind, n):
        self.depth += 1
        out = "".join(self.stmt(ind) for _ in range(n))
        self.depth -= 1
        return out

    def if_stmt(self, ind):
        p = " " * ind
        out = "%sif %s then\n%s" % (p, self.cond(), self.block(ind + 2, self.r.randint(1, 3)))
        if self.r.random() < 0.3:
            out += "%selseif %s then\n%s" % (p, self.cond(), self.block(ind + 2, self.r.randint(1, 2)))
        if self.r.random() < 0.6:
            out += "%selse\n%s" % (p, self.block(ind + 2, self.r.randint(1, 3)))
        return out + "%send\n" % p

    def loop(self, ind):
        p = " " * ind
        v = "i%d" % len(self.loop_vars)
        r = self.r.random()
        if r < 0.55:
            lo = self.r.randint(-3, 3)
            hi = self.r.choice([str(self.r.randint(0, 60)), "n", "n // 2", "n / 3"])  # a float limit too
            step = self.r.choice(["", "", ", 2", ", 3", ", -1"])
            if step == ", -1":
                lo, hi = hi, lo
            head = "%sfor %s = %s, %s%s do\n" % (p, v, lo, hi, step)
            self.loop_vars.append(v)
            body = self.block(ind + 2, self.r.randint(1, 5))
            self.loop_vars.pop()
            return head + body + "%send\n" % p
        if r < 0.62:
            head = "%sfor %s = %s, %s, %s do\n" % (p, v, self.r.choice(["0.5", "1", "-2.25"]), self.r.choice(["10", "6.5", "n / 4"]), self.r.choice(["0.5", "1", "0.75"]))
            self.loop_vars.append(v)
            body = self.block(ind + 2, self.r.randint(1, 4))
            self.loop_vars.pop()
            return head + body + "%send\n" % p
        if r < 0.74:
            # a generic for over t (which the body may change): pairs() and ipairs() are stepped
            # inline, other iterators called
            it = self.r.choice(["ipairs(t)", "pairs(t)", "ipairs(t)", "next, t", "pairs({n, a, 3})"])
            head = "%sfor %s, %sv in %s do\n%s  c = %sv + c\n" % (p, v, v, it, p, v)
            self.loop_vars.append(v)
            body = self.block(ind + 2, self.r.randint(1, 4))
            self.loop_vars.pop()
            return head + body + "%send\n" % p
        if r < 0.9:
            out = "%slocal %s = 0\n%swhile %s < %s do\n%s  %s = %s + 1\n" % (p, v, p, v, self.r.choice(["n", "20", "n // 3"]), p, v, v)
            self.loop_vars.append(v)
            out += self.block(ind + 2, self.r.randint(1, 4))
            self.loop_vars.pop()
            return out + "%send\n" % p
        out = "%slocal %s = 0\n%srepeat\n%s  %s = %s + 1\n" % (p, v, p, p, v, v)
        self.loop_vars.append(v)
        out += self.block(ind + 2, self.r.randint(1, 3))
        self.loop_vars.pop()
        return out + "%suntil %s >= %s\n" % (p, v, self.r.choice(["n", "15"]))

    def program(self):
        out = ["-- generated by loop_fuzz.py\n",
               "local n = %d\n" % self.r.randint(10, 60),
               "local a, b, c, d = %s, %s, %s, %s\n" % (self.num(), self.num(), self.num(), self.num()),
               "local t = {%s}\n" % ", ".join(self.num() for _ in range(self.r.randint(0, 8))),
               "local s, acc = '', 0\n",
               "local cl = {}\n",
               "local function f(x) if type(x) == 'number' then return x * 2 + 1 end return x end\n",
               "local function g(x) return f(x) end\n",  # tail calls
               "local function h(x) if x == 3 then return g(x) end return f(x, 1) end\n",
               "local function bump() acc = acc + 2 end\n",
               # varargs: a fixed count taken, all of them counted and passed on
               "local function va(...)\n"
               "  local x, y = ...\n"
               "  local all = {...}\n"
               "  return (tonumber(x) or 1) + #all + select('#', ...)\n"
               "end\n",
               # loops inside a called function (inlined into the caller's traces)
               "local function w(x, k)\n"
               "  local s = 0\n"
               "  for j = 1, k do if j % 3 == 0 then s = s + x else s = s - 1 end end\n"
               "  local m = k\n"
               "  while m > 1 do m = m // 2; s = s + 1 end\n"
               "  return s\n"
               "end\n",
               # recursion: non-tail calls, tail calls in its own frame, several call sites
               "local function r(x, k)\n"
               "  if k <= 0 then return x end\n"
               "  if k == 2 then return r(x, k - 1) + 1 end\n"
               "  if k % 2 == 0 then return r(x * 2, k - 1) end\n"
               "  local y = r(x, k - 1)\n"
               "  return y - r(1, k - 2)\n"
               "end\n",
               "local function check(x) if x ~= x then acc = acc + 1000 end end\n",
               "local function I(x)\n"
               "  if type(x) ~= 'number' or x ~= x or x == math.huge or x == -math.huge then return 3 end\n"
               "  return math.floor(x % 65536)\n"
               "end\n",
               "local function body()\n"]
        for _ in range(self.r.randint(1, 3)):
            out.append(self.loop(2))
        out.append("end\n")
        out.append("local ok, err = pcall(body)\n")
        out.append("print(ok, err)\n")
        out.append("print(a, b, c, d, s, acc, #t)\n")
        out.append("for k = 1, #cl do io.write(tostring(cl[k](1)), ' ') end print()\n")
        out.append("for k = 1, #t do io.write(tostring(t[k]), ' ') end print()\n")
        return "".join(out)


def run(cmd, env):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
        return (p.returncode, p.stdout, p.stderr)
    except subprocess.TimeoutExpired:
        return ("timeout", b"", b"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interp", required=True)
    ap.add_argument("--emulator", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--keep", default=None, help="directory for failing programs")
    opts = ap.parse_args()
    emulator = shlex.split(opts.emulator) if opts.emulator else []
    workdir = tempfile.mkdtemp(prefix="cpjit-lua-fuzz-")
    keep = opts.keep or workdir
    os.makedirs(keep, exist_ok=True)
    failures = 0
    for k in range(opts.count):
        seed = opts.seed * 1000003 + k
        source = Gen(random.Random(seed)).program()
        path = os.path.join(workdir, "loop_%d.lua" % seed)
        with open(path, "w") as f:
            f.write(source)
        results = []
        for name, extra in MODES:
            env = dict(os.environ)
            env.update(extra)
            env.update(LOW_THRESHOLDS)
            env["LC_ALL"] = "C"
            results.append((name, run(emulator + [opts.interp, path], env)))
        base_name, base = results[0]
        for name, got in results[1:]:
            if got != base:
                failures += 1
                kept = os.path.join(keep, "loop_%d.lua" % seed)
                if kept != path:
                    with open(kept, "w") as f:
                        f.write(source)
                print("FAIL seed %d: %s differs from %s (program: %s)" % (seed, name, base_name, kept))
                print("  %s: exit %s\n%s\n%s" % (base_name, base[0], base[1].decode(errors="replace")[-600:], base[2].decode(errors="replace")[-300:]))
                print("  %s: exit %s\n%s\n%s" % (name, got[0], got[1].decode(errors="replace")[-600:], got[2].decode(errors="replace")[-300:]))
                break
        else:
            os.remove(path)
    print("%d of %d programs differ" % (failures, opts.count))
    if failures == 0 and opts.keep is None:
        os.rmdir(workdir)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
