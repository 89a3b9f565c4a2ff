#!/usr/bin/env python3
"""Writes bfjit's sample Brainf*ck programs and their expected output.

The programs are produced by a small macro assembler below, and the expected outputs by the
plain reference interpreter below (independent of bfjit), so the tests compare bfjit against
something that does not share its code:
    python3 make_programs.py            # rewrite *.bf and *.expected here
"""
import os
import sys


class Builder:
    """Emits Brainf*ck while tracking the cell pointer, so cells are named by number."""

    def __init__(self):
        self.code = []
        self.at = 0

    def go(self, cell):
        d = cell - self.at
        self.code.append(">" * d if d > 0 else "<" * -d)
        self.at = cell

    def clear(self, cell):
        self.go(cell)
        self.code.append("[-]")

    def add(self, cell, n):
        self.go(cell)
        n %= 256
        self.code.append("+" * n if n <= 128 else "-" * (256 - n))

    def set(self, cell, value, scratch):
        """cell = value, built as q * f + r with a loop in `scratch`."""
        self.clear(cell)
        if value < 16:
            self.add(cell, value)
            return
        f = 10 if value < 160 else 16
        self.clear(scratch)
        self.add(scratch, value // f)
        self.code.append("[")
        self.add(cell, f)
        self.add(scratch, -1)
        self.code.append("]")
        self.add(cell, value % f)

    def out(self, cell):
        self.go(cell)
        self.code.append(".")

    def loop(self, cell, body):
        """while cell != 0: body() (body must end where it started to count: at `cell`)."""
        self.go(cell)
        self.code.append("[")
        body()
        self.go(cell)
        self.code.append("]")

    def copy(self, src, dst, tmp):
        """dst = src, through tmp; src is kept."""
        self.clear(dst)
        self.clear(tmp)
        self.loop(src, lambda: (self.add(dst, 1), self.add(tmp, 1), self.add(src, -1)))
        self.loop(tmp, lambda: (self.add(src, 1), self.add(tmp, -1)))

    def text(self):
        return "".join(self.code)


def hello():
    b = Builder()
    for ch in "Hello from a copy-and-patch JIT!\n":
        b.set(0, ord(ch), 1)
        b.out(0)
    return b.text()


def triangle(rows=30):
    # c0 rows left, c1 stars in this row, c2 stars left to print, c3 '*', c4 '\n', c5 scratch
    b = Builder()
    b.set(3, ord("*"), 5)
    b.set(4, 10, 5)
    b.set(0, rows, 5)

    def row():
        b.add(1, 1)
        b.copy(1, 2, 5)
        b.loop(2, lambda: (b.out(3), b.add(2, -1)))
        b.out(4)
        b.add(0, -1)

    b.loop(0, row)
    return b.text()


def busy(outer=60, middle=100, inner=200):
    # Three nested counted loops. c4 accumulates 3 per innermost iteration (mod 256). Every outer
    # round prints the next letter from 'A'; at the end c4 is printed in unary as '#'s.
    b = Builder()
    b.set(8, ord("A"), 9)
    b.set(0, outer, 9)

    def outer_round():
        b.set(1, middle, 9)

        def middle_round():
            b.set(2, inner, 9)
            b.loop(2, lambda: (b.add(4, 3), b.add(2, -1)))
            b.add(1, -1)

        b.loop(1, middle_round)
        b.out(8)
        b.add(8, 1)
        b.add(0, -1)

    b.loop(0, outer_round)
    b.set(7, 10, 9)
    b.out(7)
    b.set(6, ord("#"), 9)
    b.loop(4, lambda: (b.out(6), b.add(4, -1)))
    b.out(7)
    return b.text()


def reverse():
    # Read all input up to its end (0), print it backwards, then a newline.
    return ">,[>,]<[.<]++++++++++."


def run(program, data=b"", limit=200_000_000):
    """The reference interpreter: plain, obviously correct, slow."""
    match, stack = {}, []
    for i, c in enumerate(program):
        if c == "[":
            stack.append(i)
        elif c == "]":
            j = stack.pop()
            match[i], match[j] = j, i
    tape, ptr, pc, out, inp, steps = [0] * 30000, 0, 0, bytearray(), list(data), 0
    while pc < len(program):
        c = program[pc]
        if c == "+":
            tape[ptr] = (tape[ptr] + 1) & 255
        elif c == "-":
            tape[ptr] = (tape[ptr] - 1) & 255
        elif c == ">":
            ptr += 1
        elif c == "<":
            ptr -= 1
        elif c == ".":
            out.append(tape[ptr])
        elif c == ",":
            tape[ptr] = inp.pop(0) if inp else 0
        elif c == "[" and tape[ptr] == 0:
            pc = match[pc]
        elif c == "]" and tape[ptr] != 0:
            pc = match[pc]
        pc += 1
        steps += 1
        if steps > limit:
            sys.exit("reference run too long")
    return bytes(out)


PROGRAMS = {
    "hello": (hello, b""),
    "triangle": (triangle, b""),
    "busy": (busy, b""),
    "reverse": (reverse, b"copy and patch\n"),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (make, data) in PROGRAMS.items():
        program = make()
        with open(os.path.join(here, name + ".bf"), "w") as f:
            f.write(program + "\n")
        if data:
            with open(os.path.join(here, name + ".input"), "wb") as f:
                f.write(data)
        with open(os.path.join(here, name + ".expected"), "wb") as f:
            f.write(run(program, data))
        print(name, len(program), "bytes")


if __name__ == "__main__":
    main()
