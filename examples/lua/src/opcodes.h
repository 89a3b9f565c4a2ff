// The register bytecode.
//
// Every instruction is one 32-bit word:
//
//   bits  0.. 7  op
//   bits  8..15  A       a register, mostly the destination
//   bits 16..23  B       a register, a constant index or a count
//   bits 24..31  C       a register, a constant index, a count or a signed immediate (sC)
//   bits 16..31  Bx      16-bit unsigned (sBx = Bx - kBxBias)
//   bits  8..31  sJ      24-bit signed jump offset (biased by kJBias)
//
// Registers are slots relative to the frame's base pointer; K[] is the function's constant
// table; Up[] its upvalues. Jumps are relative to the instruction after the jump. A comparison
// or test is always followed by a JMP: when the condition selects the jump, the handler reads
// the JMP's offset itself instead of dispatching it. NEWTABLE, SETLIST and LOADKX are followed
// by one extra word that holds a full 32-bit operand.
#pragma once

#include <cstdint>

#include "object.h"

namespace cpjit::lua {

// X(name, operands, description)
#define CPJIT_LUA_OPCODES(X)                                                           \
  X(MOVE, "A B", "R[A] := R[B]")                                                      \
  X(LOADI, "A sBx", "R[A] := sBx as an integer")                                      \
  X(LOADF, "A sBx", "R[A] := sBx as a float")                                         \
  X(LOADK, "A Bx", "R[A] := K[Bx]")                                                   \
  X(LOADKX, "A +word", "R[A] := K[word]")                                             \
  X(LOADFALSE, "A", "R[A] := false")                                                  \
  X(LOADTRUE, "A", "R[A] := true")                                                    \
  X(LOADNIL, "A B", "R[A .. A+B] := nil")                                             \
  X(GETUPVAL, "A B", "R[A] := Up[B]")                                                 \
  X(SETUPVAL, "A B", "Up[B] := R[A]")                                                 \
  X(GETTABUP, "A B C", "R[A] := Up[B][K[C]] (K[C] a short string)")                  \
  X(SETTABUP, "A B C", "Up[A][K[B]] := R[C] (K[B] a short string)")                  \
  X(GETTABLE, "A B C", "R[A] := R[B][R[C]]")                                          \
  X(GETI, "A B C", "R[A] := R[B][C]")                                                 \
  X(GETFIELD, "A B C", "R[A] := R[B][K[C]] (K[C] a short string)")                   \
  X(SETTABLE, "A B C", "R[A][R[B]] := R[C]")                                          \
  X(SETI, "A B C", "R[A][B] := R[C]")                                                 \
  X(SETFIELD, "A B C", "R[A][K[B]] := R[C] (K[B] a short string)")                   \
  X(SETTABUPK, "A B C", "Up[A][K[B]] := K[C] (K[B] a short string)")                 \
  X(SETTABLEK, "A B C", "R[A][R[B]] := K[C]")                                         \
  X(SETIK, "A B C", "R[A][B] := K[C]")                                                \
  X(SETFIELDK, "A B C", "R[A][K[B]] := K[C] (K[B] a short string)")                  \
  X(NEWTABLE, "A B +word", "R[A] := {} (B: log2 of hash size + 1; word: array size)") \
  X(SELF, "A B C", "R[A+1] := R[B]; R[A] := R[B][K[C]]")                              \
  X(ADDI, "A B sC", "R[A] := R[B] + sC")                                              \
  X(ADDK, "A B C", "R[A] := R[B] + K[C]")                                             \
  X(SUBK, "A B C", "R[A] := R[B] - K[C]")                                             \
  X(MULK, "A B C", "R[A] := R[B] * K[C]")                                             \
  X(MODK, "A B C", "R[A] := R[B] % K[C]")                                             \
  X(POWK, "A B C", "R[A] := R[B] ^ K[C]")                                             \
  X(DIVK, "A B C", "R[A] := R[B] / K[C]")                                             \
  X(IDIVK, "A B C", "R[A] := R[B] // K[C]")                                           \
  X(BANDK, "A B C", "R[A] := R[B] & K[C]")                                            \
  X(BORK, "A B C", "R[A] := R[B] | K[C]")                                             \
  X(BXORK, "A B C", "R[A] := R[B] ~ K[C]")                                            \
  X(SHLK, "A B C", "R[A] := R[B] << K[C]")                                            \
  X(SHRK, "A B C", "R[A] := R[B] >> K[C]")                                            \
  X(RADDK, "A B C", "R[A] := K[C] + R[B] (constant on the left)")                    \
  X(RMULK, "A B C", "R[A] := K[C] * R[B] (constant on the left)")                    \
  X(ADD, "A B C", "R[A] := R[B] + R[C]")                                              \
  X(SUB, "A B C", "R[A] := R[B] - R[C]")                                              \
  X(MUL, "A B C", "R[A] := R[B] * R[C]")                                              \
  X(MOD, "A B C", "R[A] := R[B] % R[C]")                                              \
  X(POW, "A B C", "R[A] := R[B] ^ R[C]")                                              \
  X(DIV, "A B C", "R[A] := R[B] / R[C]")                                              \
  X(IDIV, "A B C", "R[A] := R[B] // R[C]")                                            \
  X(BAND, "A B C", "R[A] := R[B] & R[C]")                                             \
  X(BOR, "A B C", "R[A] := R[B] | R[C]")                                              \
  X(BXOR, "A B C", "R[A] := R[B] ~ R[C]")                                             \
  X(SHL, "A B C", "R[A] := R[B] << R[C]")                                             \
  X(SHR, "A B C", "R[A] := R[B] >> R[C]")                                             \
  X(UNM, "A B", "R[A] := -R[B]")                                                      \
  X(BNOT, "A B", "R[A] := ~R[B]")                                                     \
  X(NOT, "A B", "R[A] := not R[B]")                                                   \
  X(LEN, "A B", "R[A] := #R[B]")                                                      \
  X(CONCAT, "A B C", "R[A] := R[B] .. ... .. R[B+C-1]")                               \
  X(CLOSE, "A", "close upvalues of R[A ..]")                                          \
  X(JMP, "sJ", "pc += sJ")                                                            \
  X(EQ, "A B C", "if (R[A] == R[B]) ~= C then pc++")                                  \
  X(LT, "A B C", "if (R[A] < R[B]) ~= C then pc++")                                   \
  X(LE, "A B C", "if (R[A] <= R[B]) ~= C then pc++")                                  \
  X(EQK, "A B C", "if (R[A] == K[B]) ~= C then pc++")                                 \
  X(EQI, "A sB C", "if (R[A] == sB) ~= C then pc++")                                  \
  X(LTI, "A sB C", "if (R[A] < sB) ~= C then pc++")                                   \
  X(LEI, "A sB C", "if (R[A] <= sB) ~= C then pc++")                                  \
  X(GTI, "A sB C", "if (R[A] > sB) ~= C then pc++")                                   \
  X(GEI, "A sB C", "if (R[A] >= sB) ~= C then pc++")                                  \
  X(TEST, "A C", "if (not R[A]) == C then pc++")                                      \
  X(TESTSET, "A B C", "if (not R[B]) == C then pc++ else R[A] := R[B]")               \
  X(CALL, "A B C", "R[A .. A+C-2] := R[A](R[A+1 .. A+B-1]) (B=0: to top; C=0: all)")  \
  X(TAILCALL, "A B", "return R[A](R[A+1 .. A+B-1])")                                  \
  X(RETURN, "A B", "return R[A .. A+B-2] (B=0: to top)")                              \
  X(RETURN0, "", "return")                                                            \
  X(RETURN1, "A", "return R[A]")                                                      \
  X(FORPREP, "A Bx", "prepare numeric loop R[A..A+3]; if it runs no time pc += Bx+1") \
  X(FORLOOP, "A Bx", "step numeric loop; if it goes on pc -= Bx")                     \
  X(TFORPREP, "A Bx", "pc += Bx (to the TFORCALL)")                                   \
  X(TFORCALL, "A C", "R[A+3 .. A+2+C] := R[A](R[A+1], R[A+2])")                       \
  X(TFORLOOP, "A Bx", "if R[A+3] ~= nil then { R[A+2] := R[A+3]; pc -= Bx }")         \
  X(SETLIST, "A B +word", "R[A][word+i] := R[A+i], 1 <= i <= B (B=0: to top)")        \
  X(CLOSURE, "A Bx", "R[A] := closure(protos[Bx])")                                   \
  X(VARARG, "A C", "R[A .. A+C-2] := ... (C=0: all)")

enum OpCode : uint8_t {
#define CPJIT_LUA_OP_ENUM(name, operands, text) OP_##name,
  CPJIT_LUA_OPCODES(CPJIT_LUA_OP_ENUM)
#undef CPJIT_LUA_OP_ENUM
  kNumOpcodes
};

extern const char* const kOpNames[kNumOpcodes];

constexpr int kMaxArgA = 255;
constexpr int kMaxArgB = 255;
constexpr int kMaxArgC = 255;
constexpr int kMaxArgBx = 65535;
constexpr int kBxBias = 32767;       // sBx = Bx - kBxBias
constexpr int kJBias = (1 << 23) - 1;  // sJ = field - kJBias
constexpr int kMaxJump = (1 << 23) - 1;
constexpr int kSCBias = 127;         // sC = C - kSCBias, sB = B - kSCBias
constexpr int kMaxRegisters = 250;   // registers per function (leaves room in an 8-bit field)

inline OpCode op_of(Instr i) { return static_cast<OpCode>(i & 0xff); }
inline int arg_a(Instr i) { return (i >> 8) & 0xff; }
inline int arg_b(Instr i) { return (i >> 16) & 0xff; }
inline int arg_c(Instr i) { return (i >> 24) & 0xff; }
inline int arg_bx(Instr i) { return (i >> 16) & 0xffff; }
inline int arg_sbx(Instr i) { return arg_bx(i) - kBxBias; }
inline int arg_sc(Instr i) { return arg_c(i) - kSCBias; }
inline int arg_sb(Instr i) { return arg_b(i) - kSCBias; }
inline int arg_sj(Instr i) { return static_cast<int>(i >> 8) - kJBias; }

inline Instr make_abc(OpCode op, int a, int b, int c) {
  return static_cast<Instr>(op) | (static_cast<Instr>(a) << 8) | (static_cast<Instr>(b) << 16) |
         (static_cast<Instr>(c) << 24);
}
inline Instr make_abx(OpCode op, int a, int bx) {
  return static_cast<Instr>(op) | (static_cast<Instr>(a) << 8) | (static_cast<Instr>(bx) << 16);
}
inline Instr make_sj(OpCode op, int sj) {
  return static_cast<Instr>(op) | (static_cast<Instr>(sj + kJBias) << 8);
}

// Does the instruction at pc carry an extra operand word after it?
inline bool op_has_extra_word(OpCode op) {
  return op == OP_LOADKX || op == OP_NEWTABLE || op == OP_SETLIST;
}

}  // namespace cpjit::lua
