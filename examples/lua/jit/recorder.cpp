// Trace recording: bytecode instructions, as the interpreter is about to execute them, become
// uops specialised to the values they operate on.
//
// The recorder runs before each instruction of the recorded frame, so it sees the operands'
// actual types and the way each branch is about to go. A uop that needs a register to hold a
// certain type is preceded by a guard for the type the register holds now, unless the trace
// already knows it (from an earlier guard or from the uop that wrote the register); a branch
// becomes a guard that leaves the trace when the condition goes the other way. Every guard and
// every uop that can fail leaves to the interpreter at the instruction it belongs to, before
// that instruction has changed anything, so tier 1 simply runs it again.
//
// A root trace starts at a hot loop's head and ends when the loop jumps back to it; a side
// trace starts at a hot exit and ends when it reaches its own start or the start of a loop
// that has a trace (an exit linked to that trace). Anything the uop set does not cover ends
// the recording with a reason that CPJIT_STATS counts.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <optional>

#include "../src/arith.h"
#include "../src/lib.h"
#include "../src/opcodes.h"
#include "../src/str.h"
#include "../src/table.h"
#include "../src/vm.h"
#include "jit_state.h"
#include "lua_helpers.h"

namespace cpjit::lua {

namespace {

bool no_tm(const Table* mt, TM event) { return mt == nullptr || (mt->tm_absent & (1u << event)); }

uint64_t float_bits(double d) { return std::bit_cast<uint64_t>(d); }

// A constant's payload and tag, for the K forms of stores.
uint64_t payload(const Value& v) {
  if (v.is_nil() || v.tag == kTagFalse || v.tag == kTagTrue) return 0;
  return static_cast<uint64_t>(v.i);
}
// The suffix of the stores of a constant that is its tag alone (SETI_NIL, ...), else null.
const char* tag_only(const Value& v) {
  return v.is_nil() ? "NIL" : v.tag == kTagFalse ? "FALSE" : v.tag == kTagTrue ? "TRUE" : nullptr;
}

struct Abort {
  std::string reason;
  bool fatal = false;  // the recording cannot even end here
};

// The exit that resumes at instruction `index` of frame f (an error exit: where the interpreter
// raises the error); one per instruction, frame and kind.
uint32_t exit_for(Recording& R, const RecFrame& f, uint32_t index, bool error) {
  auto [it, fresh] = R.exit_ids.try_emplace({f.proto, f.offset, index, error}, static_cast<uint32_t>(R.exits.size()));
  LClosure* known = f.closure_known ? f.ci->func->lcl : nullptr;
  if (fresh) {
    ExitState e;
    e.pc = index;
    e.proto = f.proto;
    e.frame_offset = f.offset;
    e.error = error;
    e.known_closure = known;
    R.exits.push_back(e);
  } else if (R.exits[it->second].known_closure != known) {
    R.exits[it->second].known_closure = nullptr;  // taken where the closure is another or not known
  }
  return it->second;
}

// The exit taken after a return from the trace's own frame: the caller resumes where its frame
// says (ExitState::returned). One per trace.
uint32_t returned_exit(Recording& R) {
  auto [it, fresh] = R.exit_ids.try_emplace({nullptr, 0, UINT32_MAX, false}, static_cast<uint32_t>(R.exits.size()));
  if (fresh) {
    ExitState e;
    e.returned = true;
    R.exits.push_back(e);
  }
  return it->second;
}

constexpr size_t kMaxInlineDepth = 4;   // frames of inlined calls on top of the trace's own
constexpr uint32_t kMaxSlots = 3500;    // slot operands are 16-bit byte offsets

// Arithmetic operators as uop name stems.
enum class Ar { kAdd, kSub, kMul, kDiv, kPow, kMod, kIDiv, kBAnd, kBOr, kBXor, kShl, kShr };
// The interpreter's number for an operator (src/arith.h).
uint32_t interp_op(Ar op) {
  switch (op) {
    case Ar::kAdd: return kArAdd;
    case Ar::kSub: return kArSub;
    case Ar::kMul: return kArMul;
    case Ar::kDiv: return kArDiv;
    case Ar::kPow: return kArPow;
    case Ar::kMod: return kArMod;
    case Ar::kIDiv: return kArIDiv;
    case Ar::kBAnd: return kArBAnd;
    case Ar::kBOr: return kArBOr;
    case Ar::kBXor: return kArBXor;
    case Ar::kShl: return kArShl;
    case Ar::kShr: return kArShr;
  }
  return kArAdd;
}
const char* stem(Ar op) {
  switch (op) {
    case Ar::kAdd: return "ADD";
    case Ar::kSub: return "SUB";
    case Ar::kMul: return "MUL";
    case Ar::kDiv: return "DIV";
    case Ar::kPow: return "POW";
    case Ar::kMod: return "MOD";
    case Ar::kIDiv: return "IDIV";
    case Ar::kBAnd: return "BAND";
    case Ar::kBOr: return "BOR";
    case Ar::kBXor: return "BXOR";
    case Ar::kShl: return "SHL";
    default: return "SHR";
  }
}
bool bitwise(Ar op) { return op >= Ar::kBAnd; }
bool float_only(Ar op) { return op == Ar::kDiv || op == Ar::kPow; }

// An upvalue operand: where upvalue `index`'s pointer lies in its closure (uops.c, UPVAL).
static uint64_t upval_operand(int index) {
  return offsetof(lj_lclosure, upvals) + static_cast<uint64_t>(index) * sizeof(lj_upval*);
}

class Recorder {
 public:
  Recorder(Jit& J, const Instr* pc) : J_(J), R_(J.rec), pc_(pc), i_(*pc) {}

  // Returns true when the trace is complete.
  bool run();

 private:
  Jit& J_;
  Recording& R_;
  const Instr* pc_;
  Instr i_;
  const Instr* next_ = nullptr;
  // Where the exits of the uops emitted now resume, instead of the current instruction (an
  // earlier one whose effect the trace did not make; see unwritten_constant).
  const Instr* resume_pc_ = nullptr;
  bool done_ = false;

  RecFrame& frame() const { return R_.frames.back(); }
  uint32_t off() const { return frame().offset; }
  Value* reg(int r) const { return frame().base + r; }
  const Value& k(int idx) const { return frame().proto->k[idx]; }
  uint32_t pc_index(const Instr* p) const { return static_cast<uint32_t>(p - frame().proto->code); }
  LClosure* closure() const { return frame().ci->func->lcl; }
  // The frame's closure, for upvalues: the pinned one for the trace's own frame, else the
  // slot of the called function below the frame (just below it, or below the arguments of a
  // vararg function; a negative register, which emit() offsets like any other).
  bool own_frame() const { return off() == 0; }
  uint64_t func_slot() const { return static_cast<uint64_t>(frame().ci->func - frame().base); }
  // The frame's base as a slot operand, for the uops that find its function slot just below
  // it (RETURN_BASE1_KR1/KRA, TAIL_FRAME_BASE_KF*): none for a vararg function (its function
  // sits below its arguments) or a base beyond the operands' reach.
  std::optional<uint64_t> base_below_func() const {
    const uint64_t at = uint64_t{off()} * sizeof(Value);
    if (frame().proto->is_vararg || at > UINT16_MAX) return std::nullopt;
    return at;
  }

  [[noreturn]] void abort(std::string reason) { throw Abort{std::move(reason)}; }
  uint32_t loop_target() {
    const std::optional<uint32_t> target = R_.loop_target();
    if (!target) abort("back at the start in another closure");
    return *target;
  }

  uint32_t exit_at(const Instr* p, bool error) { return exit_for(R_, frame(), pc_index(p), error); }

  // Appends uop `name`; its side exit (and error exit) resume at the current instruction.
  cpjit_insn& emit(std::string_view name, std::initializer_list<uint64_t> operands, const Instr* exit_pc = nullptr) {
    const uint32_t id = J_.uop(name);
    if (id == CPJIT_NONE) throw Abort{"missing uop " + std::string(name), true};
    if (R_.insns.size() >= J_.max_uops) abort("trace too long");
    cpjit_insn insn;
    cpjit_insn_init(&insn, id);
    size_t n = 0;
    const cpjit_uop_meta* meta = cpjit_uop_info(J_.stencils, id);
    for (uint64_t op : operands) {
      // Slot operands are byte offsets from the trace's base (uops.c): registers of this frame
      // are off() slots above it.
      const bool slot = meta != nullptr && meta->operands[n] >= CPJIT_OPERAND_SLOT_READ;
      if (slot && meta->operands[n] != CPJIT_OPERAND_SLOT_READ) {  // written
        forget_upval_slot(off() + op);
        R_.last_writer[off() + op] = R_.insns.size();
      }
      insn.operands[n++] = slot ? (off() + op) * sizeof(Value) : op;
    }
    const uint32_t flags = J_.uop_flags[id];
    const Instr* at = resume_pc_ ? resume_pc_ : pc_;
    if (flags & (CPJIT_UOP_MAY_EXIT | CPJIT_UOP_GUARD)) insn.exits[0] = exit_at(exit_pc ? exit_pc : at, false);
    if (flags & CPJIT_UOP_MAY_ERROR) insn.error_exit = exit_at(at, true);
    R_.insns.push_back(insn);
    if (flags & CPJIT_UOP_ESCAPES) forget_all();
    if (meta == nullptr || (flags & CPJIT_UOP_ESCAPES)) {
      R_.upval_slots.clear();
      R_.last_writer.clear();
    }
    return R_.insns.back();
  }
  void forget_upval_slot(uint64_t slot) {
    std::erase_if(R_.upval_slots, [slot](const auto& e) { return e.slot == slot || e.closure == slot; });
  }
  // The upval_slots key of the running frame's closure.
  uint64_t upval_closure() const {
    return own_frame() ? Recording::UpvalSlot::kOwn : off() + func_slot();
  }
  // R[a] := upvalue b of the running frame's closure. A GETUPVAL of it earlier in the trace (or
  // a store into it) left its value in a slot nothing has written since, with no uop escaping
  // in between (no call, nothing that moves the frame): the upvalue still holds that value, as
  // its cell is only written by those and by SETUPVAL forms, which keep upval_slots true. (The
  // trace's own closure's cells are never slots: they belong to calls older than it, whose
  // frames are below the trace's base, which slot operands never reach. An inlined closure's
  // cell is known to be no slot once a SETUPVAL_F_NS checked it.) Then the value is that
  // slot's, and its type is known. Only loads of the own closure are remembered.
  void get_upval(int a, int b) {
    if (frame().proto->upvals[b].fixed && fixed_upval(a, b)) return;
    const uint64_t closure = upval_closure();
    const auto it = std::find_if(R_.upval_slots.begin(), R_.upval_slots.end(),
                                 [&](const auto& e) { return e.closure == closure && e.upval == b; });
    const uint64_t to = off() + static_cast<uint64_t>(a);
    if (it != R_.upval_slots.end()) {
      const uint64_t from = it->slot;
      if (from == to) return;  // register a holds it still
      emit("MOVE", {static_cast<uint64_t>(a), from - off()});  // emit() adds off() again
      set_tag(a, R_.tags[from]);
      R_.upval_slots.push_back({closure, b, to});  // a copy: guards on either prove both
      return;
    }
    if (!own_frame()) {
      emit("GETUPVAL_F", {static_cast<uint64_t>(a), upval_operand(b), func_slot()});
      note_upval_load();
      set_tag(a, kUnknownTag);
      R_.last_upval_load = {R_.insns.size() - 1, pc_, b, a};
      return;
    }
    emit("GETUPVAL", {static_cast<uint64_t>(a), upval_operand(b)});
    note_upval_load();
    set_tag(a, kUnknownTag);
    R_.upval_slots.push_back({closure, b, to});
    R_.last_upval_load = {R_.insns.size() - 1, pc_, b, a};
  }
  // Makes sure the trace knows the running frame's closure itself, behind a check of its
  // address where its prototype has one closure (GUARD_CL, GUARD_LCL); false when it cannot.
  bool know_closure() {
    RecFrame& f = frame();
    if (f.closure_known) return true;
    LClosure* c = closure();
    if (c->p->instances != 1) return false;
    if (own_frame()) emit("GUARD_CL", {reinterpret_cast<uint64_t>(c)});
    else emit("GUARD_LCL", {func_slot(), reinterpret_cast<uint64_t>(c)});
    R_.pin(c);
    f.closure_known = true;
    return true;
  }
  // R[a] := fixed upvalue b (UpvalDesc::fixed) of a closure the trace knows: its value is the
  // one the cell holds now for as long as the closure lives, a constant load. False (nothing
  // done) when the closure is not known or the value is of a kind no uop loads.
  bool fixed_upval(int a, int b) {
    const Value v = *closure()->upvals[b]->v;
    const char* object = v.tag == kTagTable       ? "LOADTAB"
                         : v.tag == kTagLClosure  ? "LOADLCL"
                         : v.tag == kTagCFunction ? "LOADCFUNC"
                                                  : nullptr;
    const bool plain = v.is_nil() || v.tag == kTagTrue || v.tag == kTagFalse || v.tag == kTagInt ||
                       v.tag == kTagFloat || v.tag == kTagString;
    if ((object == nullptr && !plain) || !know_closure()) return false;
    if (object != nullptr) {
      emit(object, {static_cast<uint64_t>(a), payload(v)});
      set_tag(a, v.tag);
    } else {
      load_constant(a, v);
    }
    R_.fixed_load = {R_.insns.size() - 1, pc_};
    return true;
  }
  // R[a] := R[b][key] right after R[b] := an upvalue of the running frame's closure (the last
  // uop), with R[b] a temporary (no local lives in it here; the compiler frees it after the
  // index): one uop reads the table from the upvalue (GETI_UP, GETI_UPK; in an inlined call
  // GETI_FUP, GETI_FUPK, which find the closure in its slot) and R[b] is not written. Its exits
  // resume at the GETUPVAL, which the interpreter then runs again. False (nothing done) when
  // the shape is not that.
  // key_reg >= 0: the key is that register, an integer (guarded here, leaving at the GETUPVAL).
  bool fuse_upval_index(int a, int b, bool constant_key, uint64_t key, int key_reg) {
    if (const std::optional<Value> t = known_constant(b); t && t->tag == kTagTable && unwritten_constant(b, key_reg)) {
      // A fixed upvalue's table (fixed_upval): a constant operand, GETI_CT, GETI_CTK; the
      // exits resume at the GETUPVAL (resume_pc_).
      if (key_reg >= 0 && tag_of(key_reg) != kTagInt) {
        emit("GUARD_INT", {static_cast<uint64_t>(key_reg)});
        set_tag(key_reg, kTagInt);
      }
      emit(constant_key ? "GETI_CTK" : "GETI_CT", {static_cast<uint64_t>(a), payload(*t), key});
      resume_pc_ = nullptr;
      note_array_load(t->t, key_reg >= 0 ? reg(key_reg)->i : static_cast<int64_t>(key));
      return true;
    }
    const auto& last = R_.last_upval_load;
    if (last.insn + 1 != R_.insns.size() || last.pc != pc_ - 1 || last.reg != b || names_local(b, pc_))
      return false;
    const int upval = last.upval;
    R_.insns.pop_back();
    std::erase_if(R_.last_writer, [&](const auto& e) { return e.second >= R_.insns.size(); });
    R_.fusable_loads.erase(R_.insns.size());
    R_.last_upval_load = {};
    forget_upval_slot(off() + static_cast<uint64_t>(b));  // it never receives the value now
    if (key_reg >= 0 && tag_of(key_reg) != kTagInt) {
      emit("GUARD_INT", {static_cast<uint64_t>(key_reg)}, pc_ - 1);
      set_tag(key_reg, kTagInt);
    }
    if (own_frame())
      emit(constant_key ? "GETI_UPK" : "GETI_UP", {static_cast<uint64_t>(a), upval_operand(upval), key}, pc_ - 1);
    else
      emit(constant_key ? "GETI_FUPK" : "GETI_FUP", {static_cast<uint64_t>(a), upval_operand(upval), func_slot(), key},
           pc_ - 1);
    // The GETUPVAL ran: register b holds the upvalue's table now.
    note_array_load(reg(b)->is_table() ? reg(b)->t : nullptr,
                    key_reg >= 0 ? reg(key_reg)->i : static_cast<int64_t>(key));
    return true;
  }
  // The suffix of a store's variant for a value register the trace knows to hold a float or an
  // integer (the store then changes a payload alone), else none.
  const char* typed_store(int r) {
    return tag_of(r) == kTagFloat ? "_F" : tag_of(r) == kTagInt ? "_I" : "";
  }
  // Register r holds an integer not guarded yet that a load from a table left (nothing wrote r
  // since): a float may be there another time. (Upvalues mixed with floats are mostly named
  // constants: their integer guard is cheaper than reading either kind.)
  bool may_turn_float(int r) {
    if (tag_of(r) != kUnknownTag) return false;
    const auto w = R_.last_writer.find(off() + static_cast<uint64_t>(r));
    if (w == R_.last_writer.end() || w->second >= R_.insns.size() || !R_.fusable_loads.count(w->second)) return false;
    const std::string_view name = cpjit_uop_name(J_.stencils, R_.insns[w->second].uop);
    return name.rfind("GETI", 0) == 0 || name.rfind("GETFIELD", 0) == 0;
  }
  // Register r holds a closure of p, to be called. When a GETUPVAL form read it (nothing wrote
  // r since), the read checks the prototype instead of a guard after it: GETUPVAL_P and
  // GETUPVAL_F_P, or GETUPVAL_SELF when the trace's own closure reads itself (a function calling
  // itself through the local that names it), which checks just that (the running closure is one
  // of p). They leave at the GETUPVAL, before writing.
  //
  // Where p has one closure, the check is of that closure's address instead (no fusion), and
  // the call's frame knows its closure (R_.pending_known); so does a call of a constant.
  void guard_proto(int r, const Proto* p) {
    R_.pending_known = false;
    if (const std::optional<Value> f = known_constant(r); f && f->tag == kTagLClosure && f->lcl->p == p) {
      R_.pending_known = true;
      R_.pin(f->lcl);
      return;
    }
    if (p->instances == 1) {
      emit("GUARD_LCL", {static_cast<uint64_t>(r), reinterpret_cast<uint64_t>(reg(r)->lcl)});
      R_.pin(reg(r)->lcl);
      set_tag(r, kTagLClosure);
      R_.pending_known = true;
      return;
    }
    const uint64_t slot = off() + static_cast<uint64_t>(r);
    const auto w = R_.last_writer.find(slot);
    if (w != R_.last_writer.end() && w->second < R_.insns.size() && R_.fusable_loads.count(w->second) &&
        R_.insns[w->second].operands[0] == slot * sizeof(Value)) {
      cpjit_insn& insn = R_.insns[w->second];
      const bool own = insn.uop == J_.uop("GETUPVAL"), inlined = insn.uop == J_.uop("GETUPVAL_F");
      if (own || inlined) {
        if (own && reg(r)->lcl == closure() && closure()->p == p) {
          insn.uop = J_.uop("GETUPVAL_SELF");
        } else {
          insn.uop = J_.uop(own ? "GETUPVAL_P" : "GETUPVAL_F_P");
          insn.operands[own ? 2 : 3] = reinterpret_cast<uint64_t>(p);
        }
        insn.exits[0] = R_.load_exits.at(w->second);
        set_tag(r, kTagLClosure);
        return;
      }
    }
    emit("GUARD_PROTO", {static_cast<uint64_t>(r), reinterpret_cast<uint64_t>(p)});
  }
  // The GETUPVAL form just emitted may take a type guard on its result: it then leaves here.
  void note_upval_load() {
    R_.fusable_loads.insert(R_.insns.size() - 1);
    R_.load_exits[R_.insns.size() - 1] = exit_at(pc_, false);
  }
  // The GETI form just emitted read t[key] (t null: not a table): in the array part, a value.
  void note_array_load(const Table* t, int64_t key) {
    if (t != nullptr && static_cast<uint64_t>(key) - 1 < t->asize && !t->array[key - 1].is_nil())
      R_.fusable_loads.insert(R_.insns.size() - 1);
  }
  // The load that wrote register r (a GETI form whose key was in the array part, GETFIELD_H, a
  // GETUPVAL form),
  // if nothing wrote r since, becomes its variant that checks the value's type too (tag),
  // instead of a guard. Not in a side trace that starts where that load's exit resumes: that
  // check failing made it, so the value there changes type (an array of integers and floats
  // mixed), and the same check in it would make the next side trace, and so on, one per
  // change, each looping on its own type. A guard leaves after the load instead, from where a
  // side trace of the other type goes on into the loop's trace.
  bool fuse_type_guard(int r, uint8_t tag) {
    const char* suffix = tag == kTagFloat ? "_F" : tag == kTagInt ? "_I" : tag == kTagTable ? "_T" : nullptr;
    if (suffix == nullptr) return false;
    const uint64_t slot = off() + static_cast<uint64_t>(r);
    auto w = R_.last_writer.find(slot);
    if (w == R_.last_writer.end() || w->second >= R_.insns.size() || !R_.fusable_loads.count(w->second)) return false;
    cpjit_insn& insn = R_.insns[w->second];
    if (insn.operands[0] != slot * sizeof(Value)) return false;
    const std::string_view name = cpjit_uop_name(J_.stencils, insn.uop);
    const bool upval = name == "GETUPVAL" || name == "GETUPVAL_F";
    if (!upval && name != "GETI" && name != "GETI_K" && name != "GETI_UP" && name != "GETI_FUP" && name != "GETI_CT" &&
        name != "GETFIELD_H")
      return false;
    if (upval && tag == kTagFloat) suffix = "_N";  // GETUPVAL_F_F would read as a frame form
    const uint32_t typed = J_.uop(std::string(name) + suffix);
    if (typed == CPJIT_NONE) return false;
    const uint32_t exit = upval ? R_.load_exits.at(w->second) : insn.exits[0];  // a GETUPVAL had no exit
    if (R_.parent != nullptr && exit != CPJIT_NONE) {
      const ExitState& e = R_.exits[exit];
      if (!e.returned && e.proto != nullptr && e.proto->code + e.pc == R_.start && e.frame_offset == R_.start_offset)
        return false;
    }
    insn.uop = typed;
    insn.exits[0] = exit;
    return true;
  }
  // Whether register r holds a local of the frame's function at instruction pc.
  bool names_local(int r, const Instr* pc) const {
    const Proto* p = frame().proto;
    const int at = static_cast<int>(pc - p->code);
    for (int i = 0; i < p->nlocvars; i++)
      if (p->locvars[i].reg == r && p->locvars[i].startpc <= at && at < p->locvars[i].endpc) return true;
    return false;
  }

  // The constant register r holds: a LOADTAB, LOADCFUNC, LOADLCL, LOADI or LOADF wrote it and
  // nothing has written r since. Only for a temporary (no local lives in r): nothing but the trace's own
  // uops writes one, and a uop that escapes makes the recorder forget every writer.
  std::optional<Value> known_constant(int r) const {
    if (names_local(r, pc_)) return std::nullopt;
    const uint64_t slot = off() + static_cast<uint64_t>(r);
    const auto w = R_.last_writer.find(slot);
    if (w == R_.last_writer.end() || w->second >= R_.insns.size()) return std::nullopt;
    const cpjit_insn& insn = R_.insns[w->second];
    const uint8_t tag = J_.constant_load_tag[insn.uop];
    if (tag == kTagNil || insn.operands[0] != slot * sizeof(Value)) return std::nullopt;
    Value v = Value::nil();
    v.tag = tag;
    v.i = static_cast<int64_t>(insn.operands[1]);
    return v;
  }
  // R[a] := key's value in table t when the recording finds a table or a function there (in
  // t's hash part): taken as a constant behind a guard that t still holds it (uops.c,
  // GUARD_TABUP_IS and GUARD_FIELD_IS; `guard` with `where`, its first operand: the upvalue,
  // or t itself). Globals such as `math` and fields such as `math.sqrt` rarely change; the
  // calls that follow need no check of the function then, and a loop that stores no field of
  // that name checks once per entry (finish_constants). False (nothing done) for other values,
  // and where a side trace started: its guard failed there often (J.varying_fields).
  bool constant_field(int a, const char* guard, uint64_t where, const Table* t, const String* key) {
    if (J_.varying_fields.count(pc_)) return false;
    const uint64_t hint = node_hint(t, key);
    if (hint == kNoHint) return false;
    const Value* v = table_get_short_str(t, key);
    const char* load = v->tag == kTagTable       ? "LOADTAB"
                       : v->tag == kTagCFunction ? "LOADCFUNC"
                       : v->tag == kTagLClosure  ? "LOADLCL"
                                                 : nullptr;
    if (load == nullptr) return false;
    emit(guard, {where, reinterpret_cast<uint64_t>(key), hint | uint64_t{v->tag} << 16, payload(*v)});
    R_.constant_guards.push_back(R_.insns.size() - 1);
    emit(load, {static_cast<uint64_t>(a), payload(*v)});
    set_tag(a, v->tag);
    return true;
  }

  // R[a].key := R[c] where a GETFIELD_H form read R[a].key, from node `hint` too, and nothing
  // since has written R[a] or done what could move its nodes or store into a table: only pure
  // uops, guards, copies, float arithmetic and reads of tables (whose helpers only read), none
  // that escapes. The read then leaves the trace unless it finds the key there with a value
  // (its _X form), and the store writes that node unchecked (SETFIELD_HK, SETFIELD_HKF for a
  // float into the float the read found). False (nothing done) when there is no such read,
  // when it found nil, or where a side trace started (its exit was taken often).
  bool pair_field_store(int a, const String* key, uint64_t hint, int c) {
    const uint64_t slot = off() + static_cast<uint64_t>(a);
    const Node* node = reinterpret_cast<const Node*>(reinterpret_cast<const char*>(reg(a)->t->node) + hint);
    if (node->val.is_nil()) return false;
    for (size_t i = R_.insns.size(); i-- > 0;) {
      const cpjit_insn& insn = R_.insns[i];
      const std::string_view name = cpjit_uop_name(J_.stencils, insn.uop);
      static constexpr std::string_view kReads[] = {"GETFIELD_H", "GETFIELD_H_F", "GETFIELD_H_I", "GETFIELD_H_T"};
      const auto read = std::find(std::begin(kReads), std::end(kReads), name);
      if (read != std::end(kReads) && insn.operands[1] == slot * sizeof(Value) &&
          insn.operands[2] == reinterpret_cast<uint64_t>(key) && insn.operands[3] == hint) {
        const auto w = R_.last_writer.find(slot);
        const auto at = R_.field_read_pcs.find(i);
        // The table register written since, or by the read itself (p = p.next): the store
        // goes to another table than the one the read checked.
        if ((w != R_.last_writer.end() && w->second >= i) || at == R_.field_read_pcs.end() ||
            J_.varying_fields.count(at->second))
          return false;
        R_.insns[i].uop = J_.uop("GETFIELD_HX" + std::string(name.substr(std::string_view("GETFIELD_H").size())));
        const bool float_payload = name == "GETFIELD_H_F" && tag_of(c) == kTagFloat;
        emit(float_payload ? "SETFIELD_HKF" : "SETFIELD_HK", {static_cast<uint64_t>(a), hint, static_cast<uint64_t>(c)});
        return true;
      }
      const uint32_t flags = J_.uop_flags[insn.uop];
      if (flags & CPJIT_UOP_ESCAPES) return false;
      const bool harmless = (flags & (CPJIT_UOP_PURE | CPJIT_UOP_GUARD)) || name.rfind("GETFIELD_H", 0) == 0 ||
                            name.rfind("GETI", 0) == 0 || name.rfind("MOVE", 0) == 0 || name.rfind("FADD_", 0) == 0 ||
                            name.rfind("FSUB_", 0) == 0 || name.rfind("FMUL_", 0) == 0 || name.rfind("FDIV_", 0) == 0;
      if (!harmless) return false;
    }
    return false;
  }

  // A site record for a uop's operand (zeroed), which the trace owns from its compilation on.
  template <class Site>
  Site* new_site() {
    auto site = std::make_shared<Site>();
    R_.sites.push_back(site);
    return site.get();
  }

  // The site operand of a field uop on table t (known at recording time, or null): the key and
  // the node it is in now, which the uop tries first.
  uint64_t field_site(const Table* t, const String* key) {
    auto* site = new_site<lj_field_site>();
    site->key = reinterpret_cast<const lj_string*>(key);
    site->index_key = reinterpret_cast<const lj_string*>(J_.L->tm_names[kTMIndex]);
    site->node = site->index_node = site->class_node = 0;
    if (t != nullptr) {
      const Node* n = reinterpret_cast<const Node*>(table_get_short_str(t, key));  // a value is its node
      if (n >= t->node && n <= t->node + t->hmask) site->node = static_cast<uint32_t>(n - t->node);
    }
    return reinterpret_cast<uint64_t>(site);
  }

  // R[a] := R[b].key with t the table in R[b] now: GETFIELD_H when t holds the key itself (its
  // node an immediate of the uop), GETFIELD (a site that follows the node and the classes)
  // when the value comes from elsewhere (a class through __index, or nil).
  void get_field(uint64_t a, uint64_t b, const Table* t, const String* key) {
    if (const std::optional<Value> table = known_constant(static_cast<int>(b));
        table && table->tag == kTagTable && table->t == t &&
        constant_field(static_cast<int>(a), "GUARD_FIELD_IS", reinterpret_cast<uint64_t>(t), t, key))
      return;
    // A nil in t itself is the answer when no __index applies (GETFIELD_H checks that again).
    const bool no_index = t->meta == nullptr || fast_tm(J_.L, t->meta, kTMIndex) == nullptr;
    if (const uint64_t hint = node_hint(t, key, no_index); hint != kNoHint) {
      emit("GETFIELD_H", {a, b, reinterpret_cast<uint64_t>(key), hint});
      R_.fusable_loads.insert(R_.insns.size() - 1);  // a type guard on its result may join it
      R_.field_read_pcs[R_.insns.size() - 1] = pc_;
    }
    else if (const char* uop = nullptr; lj_class_site* site = class_site(t, key, &uop))
      emit(uop, {a, b, reinterpret_cast<uint64_t>(site)});
    else
      emit("GETFIELD", {a, b, field_site(t, key)});
  }
  // A site for GETFIELD_C1 or _C2 (*uop) when key is absent from t and its value comes from t's
  // class or the class's base class (tables that __index names), or for _C1N or _C2N when the
  // key is in neither and the last of them has no metatable; else null.
  static constexpr uint32_t kNoStep = UINT32_MAX;
  lj_class_site* class_site(const Table* t, const String* key, const char** uop) {
    static const char* const kFound[] = {"GETFIELD_C1", "GETFIELD_C2"};
    static const char* const kNil[] = {"GETFIELD_C1N", "GETFIELD_C2N"};
    String* index_key = J_.L->tm_names[kTMIndex];
    uint32_t steps[2] = {kNoStep, kNoStep};
    for (int depth = 0; depth < 2; depth++) {
      if (!table_get_short_str(t, key)->is_nil() || t->meta == nullptr) return nullptr;
      const Value* index = table_get_short_str(t->meta, index_key);
      if (!index->is_table()) return nullptr;
      steps[depth] = node_offset(t->meta, index);
      if (steps[depth] == kNoStep) return nullptr;
      t = index->t;
      const Value* v = table_get_short_str(t, key);
      uint32_t node = kNoStep;
      if (!v->is_nil()) {
        node = node_offset(t, v);
        if (node == kNoStep) return nullptr;
        *uop = kFound[depth];
      } else if (t->meta == nullptr) {
        *uop = kNil[depth];
      } else {
        continue;
      }
      return new_class_site(key, steps[0], steps[1], node);
    }
    return nullptr;
  }
  // A site for SELF_STR_C: the string metatable's __index table holds the method key.
  lj_class_site* string_method_site(const String* key) {
    const Table* mt = J_.L->string_meta;
    String* index_key = J_.L->tm_names[kTMIndex];
    if (mt == nullptr) return nullptr;
    const Value* index = table_get_short_str(mt, index_key);
    if (!index->is_table()) return nullptr;
    const Value* v = table_get_short_str(index->t, key);
    if (v->is_nil()) return nullptr;
    return new_class_site(key, node_offset(mt, index), kNoStep, node_offset(index->t, v));
  }
  // A lj_class_site for key: "__index" at these node offsets of the metatables passed, the key
  // at `node` of the table it ends in.
  lj_class_site* new_class_site(const String* key, uint32_t index0, uint32_t index1, uint32_t node) {
    auto* site = new_site<lj_class_site>();
    site->key = reinterpret_cast<const lj_string*>(key);
    site->index_key = reinterpret_cast<const lj_string*>(J_.L->tm_names[kTMIndex]);
    site->key_bit = key_filter_bit(key->hash);
    site->index_node[0] = index0;
    site->index_node[1] = index1;
    site->node = node;
    site->obj_node = UINT32_MAX;
    site->epoch = UINT64_MAX;  // no answer kept yet (class_epoch never gets there)
    for (int way = 0; way < LJ_CLASS_WAYS; way++) {
      site->meta[way] = nullptr;
      site->value[way].tag = kTagNil;
    }
    site->next_way = 0;
    return site;
  }
  // The byte offset of the node holding value v of t (found in its hash part); kNoStep beyond
  // 32 bits.
  static uint32_t node_offset(const Table* t, const Value* v) {
    const uint64_t offset = static_cast<uint64_t>(reinterpret_cast<const Node*>(v) - t->node) * sizeof(Node);
    return offset < kNoStep ? static_cast<uint32_t>(offset) : kNoStep;
  }
  // Where key's value is in t, as a byte offset into its nodes (the _H uops' operand): only
  // for a key in t itself, with a value unless `nil_too`, at most 16 bits away.
  static constexpr uint64_t kNoHint = UINT64_MAX;
  static uint64_t node_hint(const Table* t, const String* key, bool nil_too = false) {
    const Node* n = reinterpret_cast<const Node*>(table_get_short_str(t, key));  // a value is its node
    if (n < t->node || n > t->node + t->hmask || (n->val.is_nil() && !nil_too)) return kNoHint;
    const uint64_t offset = static_cast<uint64_t>(n - t->node) * sizeof(Node);
    return offset <= UINT16_MAX ? offset : kNoHint;
  }

  // An instruction the trace runs through the interpreter's slow paths (uops.c, META): registers
  // a, b, c (LJ_META_K for the constant k; c is a count for LJ_META_CONCAT).
  cpjit_insn& meta(uint32_t kind, uint32_t op, int a, int b, int c, const Value* k = nullptr,
                   const Value* k2 = nullptr) {
    auto* site = new_site<lj_meta_site>();
    auto offset = [&](int r) {
      return r < 0 ? r : static_cast<int32_t>((off() + static_cast<uint32_t>(r)) * sizeof(Value));
    };
    site->next_pc = pc_ + 1;
    const Value nil = Value::nil();
    std::memcpy(&site->k, k != nullptr ? k : &nil, sizeof site->k);
    std::memcpy(&site->k2, k2 != nullptr ? k2 : &nil, sizeof site->k2);
    site->kind = kind;
    site->op = op;
    site->a = offset(a);
    site->b = offset(b);
    site->c = kind == LJ_META_CONCAT ? c : offset(c);
    site->padding_ = 0;
    const bool compare = kind == LJ_META_EQ || kind == LJ_META_LT || kind == LJ_META_LE;
    cpjit_insn& insn = emit(compare ? "META_BRANCH" : "META", {reinterpret_cast<uint64_t>(site)});
    if (compare) {
      // The trace ends: exit 1 where control goes when the comparison holds, exit 2 otherwise.
      const Instr* jump = pc_ + 2 + arg_sj(pc_[1]);
      insn.exits[1] = exit_at(arg_c(i_) ? jump : pc_ + 2, false);
      insn.exits[2] = exit_at(arg_c(i_) ? pc_ + 2 : jump, false);
      R_.ended_after = "comparison through metamethods";
    }
    return insn;
  }

  // Is p already the function of a frame being recorded (a call to it would be recursion)?
  bool recording_frame_of(const Proto* p) const {
    return std::any_of(R_.frames.begin(), R_.frames.end(), [p](const RecFrame& f) { return f.proto == p; });
  }

  // Type knowledge.
  uint8_t& tag_of(int r) {
    const size_t slot = off() + static_cast<size_t>(r);
    if (slot >= R_.tags.size()) R_.tags.resize(slot + 1, kUnknownTag);
    return R_.tags[slot];
  }
  void forget_all() { std::fill(R_.tags.begin(), R_.tags.end(), kUnknownTag); }
  void set_tag(int r, uint8_t tag) { tag_of(r) = tag; }
  // Guards that register r holds what it holds now (unless already known).
  // `fuse` false: not into the load of r (an integer mixed with floats, where a float there
  // later would make the load's check fail every time, and the guard's side trace is shorter).
  uint8_t need(int r, bool fuse = true) {
    const uint8_t tag = reg(r)->tag;
    if (tag_of(r) == tag) return tag;
    const uint64_t slot = static_cast<uint64_t>(r);
    const bool fused = fuse && fuse_type_guard(r, tag);  // the load checks the type: no guard
    switch (fused ? kUnknownTag : tag) {
      case kUnknownTag: break;
      case kTagInt: emit("GUARD_INT", {slot}); break;
      case kTagFloat: emit("GUARD_FLOAT", {slot}); break;
      case kTagTable: emit("GUARD_TABLE", {slot}); break;
      case kTagString: emit("GUARD_STRING", {slot}); break;
      case kTagNil: emit("GUARD_NIL", {slot}); break;
      default: emit("GUARD_TAG", {slot, tag}); break;
    }
    tag_of(r) = tag;
    // Other slots holding the same upvalue's value (get_own_upval) have that type too.
    const uint64_t abs = off() + static_cast<uint64_t>(r);
    for (const auto& e : R_.upval_slots)
      if (e.slot == abs)
        for (const auto& e2 : R_.upval_slots)
          if (e2.closure == e.closure && e2.upval == e.upval) R_.tags[e2.slot] = tag;
    return tag;
  }

  // ---- instructions ----
  void load_constant(int a, const Value& v);
  bool unwritten_constant(int r, int other);
  enum class Cmp { kEq, kLt, kLe };
  bool compare_constant(int x, int y, Cmp op);
  void arith(Ar op, int a, int x, int y);                 // registers
  void arith_k(Ar op, int a, int x, const Value& y, bool constant_left);
  void compare(const char* guard_true, const char* guard_false, bool res, std::initializer_list<uint64_t> operands);
  void conditional(bool res);
  void back_edge(const Instr* target);
  void go_round(const Instr* target);
  bool another_lap(const Instr* target);
  void call(int a, int b, int c);
  // PUSH_FRAME or CALL_REBASE (`name`) of a call of p: the _K variant when p takes fixed
  // parameters and the call passes them all, and no more arguments than the frame has registers
  // (then its top alone raises the stack's high-water mark).
  void push_frame(const char* name, int a, int b, int c, const Proto* p) {
    const auto A = static_cast<uint64_t>(a), pc = reinterpret_cast<uint64_t>(pc_ + 1);
    if (!p->is_vararg && b - 1 >= p->numparams && b <= 1 + p->maxstack) {
      auto* site = new_site<lj_call_site>();
      site->return_pc = pc_ + 1;
      site->code = p->code;
      site->limit_offset = static_cast<uint64_t>(b + p->numparams + p->maxstack) * sizeof(Value);
      site->top_offset = static_cast<uint64_t>(1 + p->maxstack) * sizeof(Value);
      site->nresults = c - 1;
      site->b = static_cast<uint16_t>(b);
      site->c = static_cast<uint16_t>(c);
      // Operand 1: where the arguments end, a byte offset from the trace's base like a slot's.
      emit(std::string(name) + "_K",
           {A, (off() + A + static_cast<uint64_t>(b)) * sizeof(Value), reinterpret_cast<uint64_t>(site)});
    } else
      emit(name, {A, static_cast<uint64_t>(b), static_cast<uint64_t>(c), pc});
  }
  // The PUSH_FRAME_K that pushed the frame returning now, whose conversion elide_frame() and
  // virtualize_frame() consider: its index, or SIZE_MAX when the frame was pushed otherwise or
  // the uop that pops it can no longer be emitted (a conversion is for good, and must not stay
  // behind when the trace ends before the pop as too long, resuming the interpreter in a
  // callee whose frame was not pushed).
  size_t convertible_push() const {
    const size_t push = frame().push_insn;
    if (push >= R_.insns.size() || R_.insns[push].uop != J_.uop("PUSH_FRAME_K")) return SIZE_MAX;
    return R_.insns.size() < J_.max_uops ? push : SIZE_MAX;
  }
  // The inlined call returning now (one value, to a call that wants one) had its frame pushed
  // by PUSH_FRAME_K, and nothing since can leave the trace, fail or call: no one can see that
  // frame. Then the push becomes FRAME_ROOM (the room and the high-water mark it ensured) and
  // the caller returns true, for the result to be moved into place without a pop.
  bool elide_frame() {
    const size_t push = convertible_push();
    if (push == SIZE_MAX) return false;
    constexpr uint32_t kVisible = CPJIT_UOP_MAY_EXIT | CPJIT_UOP_GUARD | CPJIT_UOP_MAY_ERROR | CPJIT_UOP_ESCAPES |
                                  CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE;
    for (size_t i = push + 1; i < R_.insns.size(); i++)
      if (J_.uop_flags[R_.insns[i].uop] & kVisible) return false;
    cpjit_insn& insn = R_.insns[push];
    const uint32_t exit = insn.exits[0];
    const uint64_t func = insn.operands[0], site = insn.operands[2];
    cpjit_insn_init(&insn, J_.uop("FRAME_ROOM"));
    insn.operands[0] = func;  // already a byte offset from the trace's base
    insn.operands[1] = site;
    insn.exits[0] = exit;
    return true;
  }
  // Otherwise, when the callee calls nothing (so nothing above it needs its frame) and only its
  // exits could see the frame: the push becomes FRAME_VIRTUAL, and every exit inside the call
  // pushes the frame itself (ExitState::virtual_site). Not when one of those exits is also
  // taken outside the call (another call of the same function from the same register before
  // it), which would push a frame there too. The caller then returns true and pops with
  // POP_VIRTUAL1.
  bool virtualize_frame() {
    const size_t push = convertible_push();
    if (push == SIZE_MAX) return false;
    constexpr uint32_t kFramed = CPJIT_UOP_ESCAPES | CPJIT_UOP_BRANCH | CPJIT_UOP_ENDS_TRACE;
    const uint32_t frame_uops[] = {J_.uop("PUSH_FRAME_K"), J_.uop("FRAME_ROOM"), J_.uop("POP_FRAME1_K"),
                                   J_.uop("FRAME_VIRTUAL"), J_.uop("POP_VIRTUAL1")};
    // Escaping for the optimizer (an open upvalue may be a slot) but blind to frames.
    const uint32_t upvalue_stores[] = {J_.uop("SETUPVAL"), J_.uop("SETUPVAL_F")};
    std::set<uint32_t> inside;  // the exits taken in the call
    auto exits_of = [](const cpjit_insn& insn, auto&& f) {
      for (uint32_t x : insn.exits)
        if (x != CPJIT_NONE) f(x);
      if (insn.error_exit != CPJIT_NONE) f(insn.error_exit);
    };
    for (size_t i = push + 1; i < R_.insns.size(); i++) {
      const cpjit_insn& insn = R_.insns[i];
      const bool upvalue_store =
          std::find(std::begin(upvalue_stores), std::end(upvalue_stores), insn.uop) != std::end(upvalue_stores);
      if ((J_.uop_flags[insn.uop] & kFramed) && !upvalue_store) return false;
      if (std::find(std::begin(frame_uops), std::end(frame_uops), insn.uop) != std::end(frame_uops)) return false;
      exits_of(insn, [&](uint32_t x) { inside.insert(x); });
    }
    bool shared = false;
    for (size_t i = 0; i <= push; i++) exits_of(R_.insns[i], [&](uint32_t x) { shared |= inside.count(x) != 0; });
    for (uint32_t x : inside) {
      const ExitState& e = R_.exits[x];
      shared |= e.returned || e.proto != frame().proto || e.frame_offset != frame().offset;
    }
    if (shared) return false;
    cpjit_insn& insn = R_.insns[push];
    const uint32_t exit = insn.exits[0];
    const uint64_t func = insn.operands[0], site = insn.operands[2];
    std::shared_ptr<void> owner;
    for (const auto& s : R_.sites)
      if (reinterpret_cast<uint64_t>(s.get()) == site) owner = s;
    if (owner == nullptr) return false;
    cpjit_insn_init(&insn, J_.uop("FRAME_VIRTUAL"));
    insn.operands[0] = func;
    insn.operands[1] = site;
    insn.exits[0] = exit;
    for (uint32_t x : inside) {
      R_.exits[x].virtual_site = owner;
      R_.exits[x].virtual_call_a = frame().call_a;
    }
    // Later calls make exits of their own.
    std::erase_if(R_.exit_ids, [&](const auto& kv) { return inside.count(kv.second) != 0; });
    return true;
  }
  void return_from_own_frame(int n);
  void return_values(int a, int n);
  bool inline_builtin(int a, int b, int c);
  bool swap(int a, int b, int c);
  bool swap_upval(int a, int u);
  template <typename LoadTable>
  bool swap_in(const Value* tv, std::initializer_list<int> temps, int i, int j, const Instr* last, LoadTable table);
  bool needs_index(const Table* t, const Value* v);
  bool needs_newindex(const Table* t, const Value* slot);
  void translate();
};

void Recorder::load_constant(int a, const Value& v) {
  const uint64_t slot = static_cast<uint64_t>(a);
  switch (v.tag) {
    case kTagInt: emit("LOADI", {slot, static_cast<uint64_t>(v.i)}); break;
    case kTagFloat: emit("LOADF", {slot, float_bits(v.n)}); break;
    case kTagString: emit("LOADSTR", {slot, reinterpret_cast<uint64_t>(v.s)}); break;
    case kTagNil: emit("LOADNIL", {slot}); break;
    case kTagTrue: emit("LOADTRUE", {slot}); break;
    case kTagFalse: emit("LOADFALSE", {slot}); break;
    default: abort("constant of an unexpected type");
  }
  set_tag(a, v.tag);
}

// Register r, a temporary, holds a constant that the uop just emitted loaded for the
// instruction just before, a GETUPVAL (a fixed upvalue's value), and the current instruction
// reads r as its only use (`other`, its other operand, is another register): the load goes,
// and the exits of the uops emitted next resume at the GETUPVAL, which the interpreter then
// runs again. Once the instruction is done, nothing reads r before writing it.
bool Recorder::unwritten_constant(int r, int other) {
  // The last uop is the load the GETUPVAL just before emitted (not another load of r that a
  // jump brought here from).
  if (r == other || R_.insns.empty() || R_.fixed_load.insn != R_.insns.size() - 1 || R_.fixed_load.pc != pc_ - 1 ||
      op_of(pc_[-1]) != OP_GETUPVAL || arg_a(pc_[-1]) != r)
    return false;
  const uint64_t slot = off() + static_cast<uint64_t>(r);
  const auto w = R_.last_writer.find(slot);
  if (w == R_.last_writer.end() || w->second != R_.insns.size() - 1) return false;
  R_.insns.pop_back();
  R_.last_writer.erase(w);
  R_.fixed_load = {};
  set_tag(r, kUnknownTag);
  resume_pc_ = pc_ - 1;
  return true;
}

// Does x op k take a uop of its own (no metamethod, no error)?
bool plain_arith(Ar op, const Value& x, const Value& k) {
  if (x.is_int() && k.is_int()) return !((op == Ar::kMod || op == Ar::kIDiv) && k.i == 0);
  return x.is_number() && k.is_number() && !bitwise(op);
}

void Recorder::arith(Ar op, int a, int x, int y) {
  // A number the trace loaded as a constant (a fixed upvalue's, mostly) into a temporary: the
  // K forms, as if the program had written it there.
  if (const std::optional<Value> ky = known_constant(y); ky && ky->is_number() && reg(y)->is_number()) {
    if (plain_arith(op, *reg(x), *ky)) unwritten_constant(y, x);
    arith_k(op, a, x, *ky, false);
    resume_pc_ = nullptr;
    return;
  }
  if (const std::optional<Value> kx = known_constant(x);
      kx && kx->is_number() && reg(x)->is_number() && (op == Ar::kAdd || op == Ar::kMul)) {
    if (plain_arith(op, *reg(y), *kx)) unwritten_constant(x, y);
    arith_k(op, a, y, *kx, true);
    resume_pc_ = nullptr;
    return;
  }
  const Value *vx = reg(x), *vy = reg(y);
  const auto A = static_cast<uint64_t>(a), X = static_cast<uint64_t>(x), Y = static_cast<uint64_t>(y);
  if (vx->is_int() && vy->is_int()) {
    need(x);
    need(y);
    if (float_only(op)) {
      emit(std::string("F") + stem(op) + "_II", {A, X, Y});
      set_tag(a, kTagFloat);
    } else {
      emit(std::string(stem(op)) + "_II", {A, X, Y});
      set_tag(a, kTagInt);
    }
    return;
  }
  if (bitwise(op) || !vx->is_number() || !vy->is_number()) {
    // Coercions, metamethods, errors: as the interpreter does them.
    meta(LJ_META_ARITH, interp_op(op), a, x, y);
    set_tag(a, kUnknownTag);
    return;
  }
  // An integer from a table or an upvalue, mixed with a float, is read as a number of either
  // kind (the N shapes) where the operation has them: a float may take its place later.
  const bool n_shape = op == Ar::kAdd || op == Ar::kSub || op == Ar::kMul || op == Ar::kDiv;
  const bool nx = n_shape && vx->is_int() && may_turn_float(x), ny = n_shape && vy->is_int() && may_turn_float(y);
  if (!nx) need(x, !vx->is_int());
  if (!ny) need(y, !vy->is_int());
  const char* shape = nx ? "_NF" : ny ? "_FN" : vx->is_int() ? "_IF" : vy->is_int() ? "_FI" : "_FF";
  if (op == Ar::kMul && x == y && shape == std::string_view("_FF")) emit("FSQ_F", {A, X});
  else emit(std::string("F") + stem(op) + shape, {A, X, Y});
  set_tag(a, kTagFloat);
}

// d is 2^k for an integer k.
bool is_power_of_two(double d) {
  int e = 0;
  return d > 0 && std::frexp(d, &e) == 0.5;
}

// R[a] = R[x] op y, or y op R[x] for the commutative operators with the constant on the left
// (the same value either way: integer and IEEE addition and multiplication commute).
void Recorder::arith_k(Ar op, int a, int x, const Value& y, bool constant_left) {
  const Value* vx = reg(x);
  const auto A = static_cast<uint64_t>(a), X = static_cast<uint64_t>(x);
  if (constant_left && y.is_float() && y.n != y.n) abort("NaN constant on the left");
  if (vx->is_int() && y.is_int()) {
    need(x);
    if (float_only(op)) {
      emit(std::string("F") + stem(op) + "_IK", {A, X, float_bits(static_cast<double>(y.i))});
      set_tag(a, kTagFloat);
      return;
    }
    if ((op == Ar::kMod || op == Ar::kIDiv) && y.i == 0) {  // the interpreter's error
      meta(LJ_META_ARITH, interp_op(op), a, x, LJ_META_K, &y);
      set_tag(a, kUnknownTag);
      return;
    }
    if ((op == Ar::kMod || op == Ar::kIDiv) && y.i >= 2) {
      // A multiply by floor(2^64 / y) + 1 instead of a division (uops.c, INT_DIVM).
      const auto d = static_cast<uint64_t>(y.i);
      const auto m = static_cast<uint64_t>((static_cast<unsigned __int128>(1) << 64) / d) + 1;
      emit(std::string(stem(op)) + "_IM", {A, X, d, m});
      set_tag(a, kTagInt);
      return;
    }
    if (op == Ar::kShl || op == Ar::kShr || op == Ar::kBAnd || op == Ar::kBOr || op == Ar::kBXor || op == Ar::kAdd ||
        op == Ar::kSub || op == Ar::kMul || op == Ar::kMod || op == Ar::kIDiv) {
      emit(std::string(stem(op)) + "_IK", {A, X, static_cast<uint64_t>(y.i)});
      set_tag(a, kTagInt);
      return;
    }
  }
  if (bitwise(op) || !vx->is_number() || !y.is_number()) {
    if (constant_left) meta(LJ_META_ARITH, interp_op(op), a, LJ_META_K, x, &y);
    else meta(LJ_META_ARITH, interp_op(op), a, x, LJ_META_K, &y);
    set_tag(a, kUnknownTag);
    return;
  }
  const bool nx = (op == Ar::kAdd || op == Ar::kSub || op == Ar::kMul || op == Ar::kDiv) && !constant_left &&
                  vx->is_int() && y.is_float() && may_turn_float(x);
  if (!nx) need(x, !vx->is_int());
  const double d = y.is_int() ? static_cast<double>(y.i) : y.n;
  if (op == Ar::kMod && vx->is_float() && !constant_left && d >= 1.0 && d <= 0x1p52 && is_power_of_two(d)) {
    // x % 2^k: the remainder of an integral x is its low bits, no division (uops.c FMODP).
    emit("FMODP_FK", {A, X, float_bits(d)});
    set_tag(a, kTagFloat);
    return;
  }
  emit(std::string("F") + stem(op) + (nx ? "_NK" : vx->is_int() ? "_IK" : "_FK"), {A, X, float_bits(d)});
  set_tag(a, kTagFloat);
}

// A branch: the guard that holds on the way the recording goes.
void Recorder::compare(const char* guard_true, const char* guard_false, bool res, std::initializer_list<uint64_t> operands) {
  emit(res ? guard_true : guard_false, operands);
  resume_pc_ = nullptr;
  conditional(res);
}

// R[x] op R[y] where one of them holds an integer constant k the trace loaded (a fixed
// upvalue's, see arith()) and the other an integer r: the K form of the comparison, guarding
// r op k, or for k op r the same as r's comparison with k (k < r is r > k: NLE_IK), the
// constant's register unwritten where it can be. False (nothing done) otherwise.
bool Recorder::compare_constant(int x, int y, Cmp op) {
  const std::optional<Value> kx = known_constant(x), ky = known_constant(y);
  const bool right = ky && ky->is_int() && reg(x)->is_int();
  if (!right && !(kx && kx->is_int() && reg(y)->is_int())) return false;
  const int r = right ? x : y, kr = right ? y : x;
  const int64_t kv = right ? ky->i : kx->i;
  const int64_t xv = right ? reg(x)->i : kv, yv = right ? kv : reg(y)->i;
  unwritten_constant(kr, r);
  need(r);
  // The guards that hold when the comparison does, and when it does not.
  struct Guards {
    const char *holds, *fails;
  };
  const Guards g = op == Cmp::kEq ? Guards{"EQ_IK", "NEQ_IK"}
                   : op == Cmp::kLt ? (right ? Guards{"LT_IK", "NLT_IK"} : Guards{"NLE_IK", "LE_IK"})
                                    : (right ? Guards{"LE_IK", "NLE_IK"} : Guards{"NLT_IK", "LT_IK"});
  const bool res = op == Cmp::kEq ? xv == yv : op == Cmp::kLt ? xv < yv : xv <= yv;
  compare(g.holds, g.fails, res, {static_cast<uint64_t>(r), static_cast<uint64_t>(kv)});
  return true;
}

// The comparison at pc_ came out `res`: where does control go?
void Recorder::conditional(bool res) {
  if (static_cast<int>(res) != arg_c(i_)) {
    next_ = pc_ + 2;
    return;
  }
  const Instr* target = pc_ + 2 + arg_sj(pc_[1]);
  next_ = target;
  if (target <= pc_) back_edge(target);
}

// A jump backwards to `target` (already decided to be taken).
void Recorder::back_edge(const Instr* target) {
  if (target == R_.start && off() == R_.start_offset) {
    cpjit_insn& jump = emit("JUMP", {});
    jump.jump = loop_target();
    done_ = true;
    return;
  }
  go_round(target);
}

// A back edge to `target` taken that does not close the trace: a side trace goes on around a
// loop that encloses where it started, until it reaches a trace or itself. Any other loop it
// comes to (after the one it started in, or in a caller it returned to) is an inner loop, as
// for a root trace: followed for one more lap at most (another_lap), not unrolled until the
// trace is too long, so that it gets a trace of its own.
void Recorder::go_round(const Instr* target) {
  const bool encloses_start = R_.parent != nullptr && off() == R_.start_offset && frame().proto == R_.proto &&
                              target <= R_.start && R_.start <= pc_;
  if (!encloses_start && !another_lap(target)) abort("inner loop");
}

// A back edge of an inner loop (of an inlined call, or of a loop's root): follow it once into
// the loop's next iteration, whose head links to the loop's trace when it has one (and whose
// recording is what the next hot exit starts from otherwise), before ending there.
bool Recorder::another_lap(const Instr* target) {
  if (J_.loops.count(target) == 0) return false;
  return R_.laps.insert({target, off()}).second;
}

// Builtins with one result that have uops.
bool Recorder::inline_builtin(int a, int b, int c) {
  const Value* f = reg(a);
  auto it = J_.builtins.find(f->f);
  if (it == J_.builtins.end()) return false;
  const std::string& name = it->second;
  const int nargs = b - 1;
  const auto A = static_cast<uint64_t>(a), X = static_cast<uint64_t>(a + 1), Y = static_cast<uint64_t>(a + 2);
  const Value *x = reg(a + 1), *y = reg(a + 2);
  auto guard_function = [&] {
    if (const std::optional<Value> known = known_constant(a); !known || known->tag != kTagCFunction || known->f != f->f)
      emit("GUARD_CFUNC", {A, reinterpret_cast<uint64_t>(f->f)});
    set_tag(a, kTagCFunction);
  };
  if (name == "table.insert" && nargs == 2 && x->is_table() && x->t->meta == nullptr && (c == 1 || c == 2)) {
    // No results; one wanted is nil.
    guard_function();
    need(a + 1);
    emit("TABLE_APPEND", {X, Y});
    if (c == 2) load_constant(a, Value::nil());
    return true;
  }
  if ((name == "pairs" || name == "ipairs") && nargs == 1 && c >= 2 && c <= 4 &&
      (name == "ipairs" || (x->is_table() && x->t->meta == nullptr))) {
    // The iterator, the argument (in its place already) and the first control value.
    guard_function();
    if (name == "pairs") {
      need(a + 1);
      emit("GUARD_NOMETA", {X});
    }
    emit("LOADCFUNC", {A, reinterpret_cast<uint64_t>(name == "pairs" ? &base_next : &ipairs_aux)});
    set_tag(a, kTagCFunction);
    if (c == 4) load_constant(a + 2, name == "pairs" ? Value::nil() : Value::integer(0));
    return true;
  }
  if (c != 2) return false;  // the others have one result
  if (nargs == 1 && x->is_number()) {
    static const std::pair<const char*, const char*> kFloatFns[] = {
        {"sqrt", "SQRT_F"}, {"sin", "SIN_F"}, {"cos", "COS_F"}, {"exp", "EXP_F"}, {"log", "LOG_F"}};
    for (auto [fn, uop] : kFloatFns) {
      if (name != fn) continue;
      guard_function();
      need(a + 1);
      if (x->is_int()) {
        emit("TOFLOAT", {A, X});
        emit(uop, {A, A});
      } else {
        emit(uop, {A, X});
      }
      set_tag(a, kTagFloat);
      return true;
    }
    if (name == "abs") {
      guard_function();
      need(a + 1);
      emit(x->is_int() ? "ABS_I" : "ABS_F", {A, X});
      set_tag(a, x->tag);
      return true;
    }
    if (name == "floor" || name == "ceil") {
      guard_function();
      need(a + 1);
      if (x->is_int()) emit("MOVE", {A, X});
      else emit(name == "floor" ? "FLOOR_F" : "CEIL_F", {A, X});
      set_tag(a, kTagInt);
      return true;
    }
  }
  if (name == "type" && nargs == 1 && x->tag <= kTagUserdata) {
    // A constant once the argument's tag is known (a guard on it, unless known already).
    guard_function();
    need(a + 1);
    emit("LOADSTR", {A, reinterpret_cast<uint64_t>(J_.L->type_names[x->tag])});
    set_tag(a, kTagString);
    return true;
  }
  if (name == "string.len" && nargs == 1 && x->tag == kTagString) {
    guard_function();
    need(a + 1);
    emit("LEN_S", {A, X});
    set_tag(a, kTagInt);
    return true;
  }
  if (name == "string.byte" && x->tag == kTagString && (nargs == 1 || (nargs == 2 && y->is_int()))) {
    guard_function();
    need(a + 1);
    if (nargs == 2) need(a + 2);
    if (nargs == 1) emit("STR_BYTE1", {A, X});
    else emit("STR_BYTE", {A, X, Y});
    set_tag(a, kUnknownTag);  // an integer, or nil past the end
    return true;
  }
  if (name == "string.sub" && x->tag == kTagString && y->is_int() && (nargs == 2 || (nargs == 3 && reg(a + 3)->is_int()))) {
    guard_function();
    need(a + 1);
    need(a + 2);
    if (nargs == 3) need(a + 3);
    if (nargs == 3) emit("STR_SUB", {A, X, Y, static_cast<uint64_t>(a + 3)});
    else emit("STR_SUB2", {A, X, Y});
    set_tag(a, kTagString);
    return true;
  }
  if (nargs == 2 && (name == "max" || name == "min") && x->tag == y->tag && x->is_number()) {
    guard_function();
    need(a + 1);
    need(a + 2);
    const bool ints = x->is_int();
    emit(std::string(name == "max" ? "MAX" : "MIN") + (ints ? "_II" : "_FF"), {A, X, Y});
    set_tag(a, x->tag);
    return true;
  }
  return false;
}

void Recorder::call(int a, int b, int c) {
  // Variable counts: a call whose results all stay (c == 0) leaves the stack top after them,
  // and the call that takes them as its last arguments (b == 0) reads it, as in tier 1.
  if (b == 0 && !R_.top_set) abort("call with a variable number of arguments");
  R_.top_set = c == 0;
  if (b != 0 && c != 0 && reg(a)->tag == kTagCFunction && inline_builtin(a, b, c)) return;
  if (b != 0 && reg(a)->tag == kTagLClosure && R_.moves_base() &&
      reg(a)->lcl->p == frame().proto && !frame().proto->is_vararg) {
    // A recursive call: the callee's frame becomes the trace's own, and the recording follows
    // into it (at the function's entry, the trace goes on at its own start or links to the
    // function's trace).
    guard_proto(a, frame().proto);
    push_frame("CALL_REBASE", a, b, c, frame().proto);
    R_.top_set = false;
    R_.pending_call = reg(a);
    R_.pending_rebase = true;
    next_ = frame().proto->code;
    return;
  }
  if (b != 0 && c != 0 && reg(a)->tag == kTagLClosure && R_.frames.size() <= kMaxInlineDepth &&
      off() + a + 1 + 2 * kMaxRegisters < kMaxSlots && !recording_frame_of(reg(a)->lcl->p)) {
    // Inlined: the callee's instructions are recorded next, in its own frame.
    Proto* p = reg(a)->lcl->p;
    // The arguments' types are guarded here, in the caller, rather than where the callee uses
    // them: a callee with no guard of its own may then lose its frame (elide_frame).
    for (int r = a + 1; r < a + b && r <= a + p->numparams; r++) need(r);
    guard_proto(a, p);
    push_frame("PUSH_FRAME", a, b, c, p);
    R_.pending_push = R_.insns.size() - 1;
    R_.pending_nargs = b - 1;
    R_.top_set = false;
    R_.pending_call = reg(a);
    R_.pending_a = a;
    R_.pending_nresults = c - 1;
    R_.inlined.push_back(p);
    next_ = p->code;
    return;
  }
  // Anything else runs in a nested interpreter (its own loops can have traces of their own).
  emit("CALL", {static_cast<uint64_t>(a), static_cast<uint64_t>(b), static_cast<uint64_t>(c),
                reinterpret_cast<uint64_t>(pc_ + 1)});
}

// `return` from the frame the recording is in (not an inlined call's): the caller's frame
// becomes the trace's own, and the recording follows it from the call site it returns to,
// behind a guard on that site. A loop's root trace never returns (the iteration left the loop).
void Recorder::return_from_own_frame(int n) {
  // A loop's root: this iteration leaves the loop (retried soon, like a break).
  if (R_.loop != nullptr && R_.frames.size() == 1) throw Abort{kLeftLoop, true};
  if (!R_.moves_base()) abort("return from the recorded function");
  if (n < 0) abort("return of a variable number of values");
  CallInfo* ci = frame().ci;
  CallInfo* caller = ci->prev;
  if ((ci->status & kCIFresh) || caller == nullptr || caller->func->tag != kTagLClosure)
    abort("return to a builtin or the host");
  const bool wants_all = ci->nresults < 0;
  const auto retpc = reinterpret_cast<uint64_t>(caller->savedpc);
  if (n == 1 && frame().proto->nprotos == 0) {
    // The return and the guard on the call site in one uop; its exit 1 is the guard's. The
    // site decides how many values the frame wants: when it wants one or all, the uop need not
    // ask (the _KR1/_KRA forms, which take the frame's base).
    const std::optional<uint64_t> frame_base = base_below_func();
    const bool at_site = frame_base && (ci->nresults == 1 || ci->nresults < 0);
    const char* uop = !at_site ? "RETURN_BASE1_KR" : ci->nresults == 1 ? "RETURN_BASE1_KR1" : "RETURN_BASE1_KRA";
    emit(uop, {static_cast<uint64_t>(arg_a(i_)), retpc, at_site ? *frame_base : 0}).exits[1] = returned_exit(R_);
  } else {
    if (n == 1) emit("RETURN_BASE1", {static_cast<uint64_t>(arg_a(i_))});
    else emit("RETURN_BASE", {static_cast<uint64_t>(arg_a(i_)), static_cast<uint64_t>(n)});
    emit("GUARD_RETPC", {retpc}).exits[0] = returned_exit(R_);
  }
  Proto* p = caller->func->lcl->p;
  if (p != R_.proto && std::find(R_.inlined.begin(), R_.inlined.end(), p) == R_.inlined.end())
    R_.inlined.push_back(p);  // the trace goes with it when it is collected
  // The recording goes on in the caller, whose registers are slots 0.. now.
  R_.rebase_to(caller);
  R_.top_set = wants_all;
  next_ = caller->savedpc;
}

// `return R[a] .. R[a+n-1]` from the frame being recorded.
void Recorder::return_values(int a, int n) {
  if (!frame().pushed) {
    return_from_own_frame(n);
    return;
  }
  if (n < 0) abort("return of a variable number of values");
  const auto A = static_cast<uint64_t>(a);
  // POP_FRAME1_K names the slot it writes: the function's, just below the frame (not below a
  // vararg function's extra arguments, whose number may change).
  const bool leaf_one = n == 1 && frame().nresults == 1 && frame().proto->nprotos == 0 && !frame().proto->is_vararg;
  if (leaf_one && elide_frame()) emit("MOVE", {func_slot(), A});
  else if (leaf_one && virtualize_frame()) emit("POP_VIRTUAL1", {A, func_slot()});
  else if (leaf_one) emit("POP_FRAME1_K", {A, func_slot()});
  else if (n == 1) emit("POP_FRAME1", {A});
  else emit("POP_FRAME", {A, static_cast<uint64_t>(n)});
  // The results land where the function was; what they are is known from here.
  std::vector<uint8_t> result_tags;
  for (int j = 0; j < frame().nresults; j++) result_tags.push_back(j < n ? tag_of(a + j) : static_cast<uint8_t>(kTagNil));
  const RecFrame callee = frame();
  R_.frames.pop_back();
  for (size_t j = 0; j < result_tags.size(); j++) set_tag(callee.call_a + static_cast<int>(j), result_tags[j]);
  next_ = callee.return_pc;
}

// `t[i], t[j] = t[j], t[i]` with t, i and j in registers compiles to GETTABLE x t j;
// GETTABLE x+1 t i; SETTABLE t j x+1; SETTABLE t i x (x, x+1 temporaries), starting at pc_:
// one SWAPI when both keys are integers that find values in t's array part (swap_in).
bool Recorder::swap(int a, int b, int c) {
  const Instr* p = pc_;
  const Proto* proto = frame().proto;
  if (p + 4 > proto->code + proto->ncode || op_of(p[1]) != OP_GETTABLE || op_of(p[2]) != OP_SETTABLE ||
      op_of(p[3]) != OP_SETTABLE)
    return false;
  const int j = c, i = arg_c(p[1]);
  if (arg_a(p[1]) != a + 1 || arg_b(p[1]) != b || arg_a(p[2]) != b || arg_b(p[2]) != j || arg_c(p[2]) != a + 1 ||
      arg_a(p[3]) != b || arg_b(p[3]) != i || arg_c(p[3]) != a || b == a || b == a + 1)
    return false;
  return swap_in(reg(b), {a, a + 1}, i, j, p + 3, [&] {
    need(b);
    return b;
  });
}

// The same with t an upvalue (heapsort's `a[root], a[child] = a[child], a[root]`), eight
// instructions from the GETUPVAL at pc_: GETUPVAL x u; GETUPVAL x+1 u; GETUPVAL y u;
// GETTABLE x+2 y j; GETUPVAL z u; GETTABLE x+3 z i; SETTABLE x+1 j x+3; SETTABLE x i x+2 (y and
// z temporaries too). The table is loaded into x as the first GETUPVAL would.
bool Recorder::swap_upval(int a, int u) {
  const Instr* p = pc_;
  const Proto* proto = frame().proto;
  if (p + 8 > proto->code + proto->ncode) return false;
  const auto is = [&](int k, OpCode op, int ra, int rb) { return op_of(p[k]) == op && arg_a(p[k]) == ra && arg_b(p[k]) == rb; };
  const int y = arg_a(p[2]), z = arg_a(p[4]), j = arg_c(p[3]), i = arg_c(p[5]);
  if (!is(1, OP_GETUPVAL, a + 1, u) || !is(2, OP_GETUPVAL, y, u) || !is(3, OP_GETTABLE, a + 2, y) ||
      !is(4, OP_GETUPVAL, z, u) || !is(5, OP_GETTABLE, a + 3, z) || !is(6, OP_SETTABLE, a + 1, j) ||
      arg_c(p[6]) != a + 3 || !is(7, OP_SETTABLE, a, i) || arg_c(p[7]) != a + 2)
    return false;
  return swap_in(closure()->upvals[u]->v, {a, a + 1, a + 2, a + 3, y, z}, i, j, p + 7, [&] {
    get_upval(a, u);
    // Register a gets the table only now (need() would look at what it holds before).
    if (tag_of(a) != kTagTable) {
      emit("GUARD_TABLE", {static_cast<uint64_t>(a)});
      set_tag(a, kTagTable);
    }
    return a;
  });
}

// The fused swap: t (the table the swap will find) with values at integer keys i and j
// (registers) in its array part, temporaries that name no local after the last instruction.
// `table` emits what puts t in a register and returns it. Then SWAPI, which leaves at the
// first instruction unless both keys find values in the array part (no metamethod applies
// then), and the instructions up to `last` are recorded with it (Recording::fused_to). The
// temporaries (but the one `table` wrote) are left unwritten: nothing reads them again before
// writing them (they name no local, and Lua code reads a temporary once, here in the
// SETTABLEs).
template <typename LoadTable>
bool Recorder::swap_in(const Value* tv, std::initializer_list<int> temps, int i, int j, const Instr* last,
                       LoadTable table) {
  for (int r : temps)
    if (r == i || r == j || names_local(r, last + 1)) return false;
  const Value *vi = reg(i), *vj = reg(j);
  if (!tv->is_table() || !vi->is_int() || !vj->is_int()) return false;
  const Table* t = tv->t;
  const auto in_array = [t](int64_t k) { return static_cast<uint64_t>(k) - 1 < t->asize && !t->array[k - 1].is_nil(); };
  if (!in_array(vi->i) || !in_array(vj->i)) return false;
  const int tr = table();
  need(i);
  need(j);
  emit("SWAPI", {static_cast<uint64_t>(tr), static_cast<uint64_t>(j), static_cast<uint64_t>(i)});
  // The temporaries keep what they held before (the interpreter's hold the values now).
  for (int r : temps) {
    if (r == tr) continue;
    set_tag(r, kUnknownTag);
    R_.last_writer.erase(off() + static_cast<uint64_t>(r));
    forget_upval_slot(off() + static_cast<uint64_t>(r));
  }
  R_.fused_to = last;
  return true;
}

// Does a read that found v (a write that found slot) need __index (__newindex)? Then the trace
// runs the instruction through the interpreter's slow path (META).
bool Recorder::needs_index(const Table* t, const Value* v) { return v->is_nil() && !no_tm(t->meta, kTMIndex); }
bool Recorder::needs_newindex(const Table* t, const Value* slot) {
  return slot->is_nil() && !no_tm(t->meta, kTMNewIndex);
}

bool Recorder::run() {
  translate();
  R_.expect = next_;
  return done_;
}

void Recorder::translate() {
  const OpCode op = op_of(i_);
  const int a = arg_a(i_), b = arg_b(i_), c = arg_c(i_);
  // Only a call may use the stack top a call with all its results left.
  if (R_.top_set && op != OP_CALL && op != OP_TAILCALL && op != OP_SETLIST) abort("results of a call used by " + std::string(kOpNames[op]));
  const auto A = static_cast<uint64_t>(a), B = static_cast<uint64_t>(b), C = static_cast<uint64_t>(c);
  next_ = pc_ + (op_has_extra_word(op) ? 2 : 1);
  switch (op) {
    case OP_MOVE:
      emit("MOVE", {A, B});
      set_tag(a, tag_of(b));
      return;
    case OP_LOADI:
      emit("LOADI", {A, static_cast<uint64_t>(static_cast<int64_t>(arg_sbx(i_)))});
      set_tag(a, kTagInt);
      return;
    case OP_LOADF:
      emit("LOADF", {A, float_bits(static_cast<double>(arg_sbx(i_)))});
      set_tag(a, kTagFloat);
      return;
    case OP_LOADK: load_constant(a, k(arg_bx(i_))); return;
    case OP_LOADKX: load_constant(a, k(static_cast<int>(pc_[1]))); return;
    case OP_LOADFALSE: load_constant(a, Value::boolean(false)); return;
    case OP_LOADTRUE: load_constant(a, Value::boolean(true)); return;
    case OP_LOADNIL:
      for (int r = a; r <= a + b; r++) load_constant(r, Value::nil());
      return;
    case OP_GETUPVAL:
      if (swap_upval(a, b)) return;
      get_upval(a, b);
      return;
    case OP_SETUPVAL: {
      // An upvalue open over a register of the trace is a slot: storing into it escapes. Any
      // other (closed, or open below the trace's base) is not, and the store keeps what the
      // trace knows: the _NS forms, which leave if the cell is a slot another time.
      if (lj_may_be_slot(closure()->upvals[b]->v, R_.trace_base)) {
        if (own_frame()) emit("SETUPVAL", {A, upval_operand(b)});
        else emit("SETUPVAL_F", {A, upval_operand(b), func_slot()});
        forget_all();
        return;
      }
      // The upvalue now holds R[a]'s value. Its cell may be another closure's too, but not
      // another upvalue's of the same closure (each is a different variable).
      const uint64_t closure = upval_closure();
      if (own_frame()) emit("SETUPVAL_NS", {A, upval_operand(b)});
      else emit("SETUPVAL_F_NS", {A, upval_operand(b), func_slot()});
      std::erase_if(R_.upval_slots, [&](const auto& e) { return e.closure != closure || e.upval == b; });
      R_.upval_slots.push_back({closure, b, off() + static_cast<uint64_t>(a)});
      return;
    }
    case OP_GETTABUP: {
      const Value* up = closure()->upvals[b]->v;
      if (!up->is_table()) abort("upvalue indexed is not a table");
      if (needs_index(up->t, table_get_short_str(up->t, k(c).s))) abort("__index metamethod of an upvalue's table");
      if (own_frame() && constant_field(a, "GUARD_TABUP_IS", upval_operand(b), up->t, k(c).s)) return;
      if (const uint64_t hint = node_hint(up->t, k(c).s); own_frame() && hint != kNoHint)
        emit("GETTABUP_H", {A, upval_operand(b), reinterpret_cast<uint64_t>(k(c).s), hint});
      else if (own_frame())
        emit("GETTABUP", {A, upval_operand(b), field_site(up->t, k(c).s)});
      else
        emit("GETTABUP_F", {A, upval_operand(b), field_site(up->t, k(c).s), func_slot()});
      set_tag(a, kUnknownTag);
      return;
    }
    case OP_SETTABUP:
    case OP_SETTABUPK: {
      R_.stored_keys.insert(k(b).s);
      const Value* up = closure()->upvals[a]->v;
      if (!up->is_table()) abort("upvalue indexed is not a table");
      if (needs_newindex(up->t, table_get_short_str(up->t, k(b).s))) abort("__newindex metamethod of an upvalue's table");
      const uint64_t key = field_site(up->t, k(b).s);
      if (own_frame()) {
        if (op == OP_SETTABUP) emit("SETTABUP", {upval_operand(a), key, C});
        else emit("SETTABUP_C", {upval_operand(a), key, payload(k(c)), k(c).tag});
      } else {
        if (op == OP_SETTABUPK) abort("constant stored into a global from an inlined function");
        emit("SETTABUP_F", {upval_operand(a), key, C, func_slot()});
      }
      return;
    }
    case OP_GETTABLE: {
      if (swap(a, b, c)) return;
      // Through the slow path: a value that is not a table (its metatable's __index, or the
      // interpreter's error), or a key absent from a table with __index.
      const Table* t = reg(b)->is_table() ? reg(b)->t : nullptr;
      const Value* key = reg(c);
      set_tag(a, kUnknownTag);
      if (t == nullptr || needs_index(t, key->is_int() ? table_get_int_fast(t, key->i)
                                         : key->is_string() ? table_get_str(t, key->s) : table_get(t, *key))) {
        meta(LJ_META_INDEX, 0, a, b, c);
        return;
      }
      if (key->is_int() && fuse_upval_index(a, b, false, C, c)) return;
      need(b);
      if (key->is_int()) {
        need(c);
        emit("GETI", {A, B, C});
        note_array_load(t, key->i);
      } else if (key->is_string()) {
        need(c);
        emit("GETTABLE_S", {A, B, C});
      } else {
        emit("GETTABLE_ANY", {A, B, C});
      }
      return;
    }
    case OP_GETI: {
      set_tag(a, kUnknownTag);
      if (!reg(b)->is_table() || needs_index(reg(b)->t, table_get_int_fast(reg(b)->t, c))) {
        const Value key = Value::integer(c);
        meta(LJ_META_INDEX, 0, a, b, LJ_META_K, &key);
        return;
      }
      if (fuse_upval_index(a, b, true, C, -1)) return;
      need(b);
      emit("GETI_K", {A, B, C});
      note_array_load(reg(b)->t, c);
      return;
    }
    case OP_GETFIELD: {
      set_tag(a, kUnknownTag);
      Value probe;
      if (!reg(b)->is_table() ||
          !lj_get_field(reinterpret_cast<lj_state*>(J_.L), reinterpret_cast<lj_table*>(reg(b)->t),
                        reinterpret_cast<const lj_string*>(k(c).s), reinterpret_cast<lj_value*>(&probe))) {
        meta(LJ_META_INDEX, 0, a, b, LJ_META_K, &k(c));
        return;
      }
      need(b);
      get_field(A, B, reg(b)->t, k(c).s);
      return;
    }
    case OP_SETTABLE:
    case OP_SETTABLEK: {
      const Table* t = reg(a)->is_table() ? reg(a)->t : nullptr;
      const Value* key = reg(b);
      if (!key->is_int()) R_.stores_any_key = true;  // another time, any string (an integer is guarded)
      // Through the slow path: a value that is not a table, a key a table lacks with
      // __newindex, and the errors of nil and NaN keys.
      if (t == nullptr || key->is_nil() || (key->is_float() && key->n != key->n) ||
          needs_newindex(t, key->is_int() ? table_get_int_fast(t, key->i)
                            : key->is_string() ? table_get_str(t, key->s) : table_get(t, *key))) {
        if (op == OP_SETTABLE) meta(LJ_META_NEWINDEX, 0, a, b, c);
        else meta(LJ_META_NEWINDEX, 0, a, b, LJ_META_K, &k(c));
        return;
      }
      need(a);
      if (key->is_int()) {
        need(b);
        if (op == OP_SETTABLE) emit(std::string("SETI") + typed_store(c), {A, B, C});
        else if (const char* tag = tag_only(k(c))) emit(std::string("SETI_") + tag, {A, B});
        else emit("SETI_C", {A, B, payload(k(c)), k(c).tag});
        return;
      }
      if (op == OP_SETTABLE && key->is_string()) {
        need(b);
        emit("SETTABLE_S", {A, B, C});
      } else if (op == OP_SETTABLE) {
        emit("SETTABLE_ANY", {A, B, C});
      } else {
        emit("SETTABLE_ANY_C", {A, B, payload(k(c)), k(c).tag});
      }
      return;
    }
    case OP_SETI:
    case OP_SETIK: {
      if (!reg(a)->is_table() || needs_newindex(reg(a)->t, table_get_int_fast(reg(a)->t, b))) {
        const Value key = Value::integer(b);
        if (op == OP_SETI) meta(LJ_META_NEWINDEX, 0, a, LJ_META_K, c, &key);
        else meta(LJ_META_NEWINDEX, 0, a, LJ_META_K, LJ_META_K2, &key, &k(c));
        return;
      }
      need(a);
      if (op == OP_SETI) emit(std::string("SETI_K") + typed_store(c), {A, B, C});
      else if (const char* tag = tag_only(k(c))) emit(std::string("SETI_K_") + tag, {A, B});
      else emit("SETI_KC", {A, B, payload(k(c)), k(c).tag});
      return;
    }
    case OP_SETFIELD:
    case OP_SETFIELDK: {
      R_.stored_keys.insert(k(b).s);
      if (!reg(a)->is_table() || needs_newindex(reg(a)->t, table_get_short_str(reg(a)->t, k(b).s))) {
        if (op == OP_SETFIELD) meta(LJ_META_NEWINDEX, 0, a, LJ_META_K, c, &k(b));
        else meta(LJ_META_NEWINDEX, 0, a, LJ_META_K, LJ_META_K2, &k(b), &k(c));
        return;
      }
      need(a);
      if (op == OP_SETFIELD) {
        // A nil there takes the value: no __newindex applies (checked above, and by the uop).
        if (const uint64_t hint = node_hint(reg(a)->t, k(b).s, true); hint != kNoHint) {
          if (!pair_field_store(a, k(b).s, hint, c))
            emit(tag_of(c) == kTagFloat ? "SETFIELD_HF" : "SETFIELD_H", {A, reinterpret_cast<uint64_t>(k(b).s), C, hint});
        }
        else
          emit("SETFIELD", {A, field_site(reg(a)->t, k(b).s), C});
      } else if (const uint64_t hint = node_hint(reg(a)->t, k(b).s, true); hint != kNoHint) {
        auto* site = new_site<lj_store_site>();
        site->key = reinterpret_cast<const lj_string*>(k(b).s);
        std::memcpy(&site->value, &k(c), sizeof site->value);
        emit("SETFIELD_HC", {A, reinterpret_cast<uint64_t>(site), hint});
      } else {
        emit("SETFIELD_C", {A, field_site(reg(a)->t, k(b).s), payload(k(c)), k(c).tag});
      }
      return;
    }
    case OP_NEWTABLE:
    {
      const uint64_t narray = pc_[1], nhash = b ? (uint64_t{1} << (b - 1)) : 0;
      if (nhash == 0 && narray <= 3)  // made inline
        emit("NEWTABLE_A" + std::to_string(narray), {A, reinterpret_cast<uint64_t>(table_empty_node())});
      else
        emit("NEWTABLE", {A, narray, nhash});
    }
      set_tag(a, kTagTable);
      return;
    case OP_SELF: {
      const Value* obj = reg(b);
      const auto key = reinterpret_cast<uint64_t>(k(c).s);
      Value probe;
      const bool plain_table =
          obj->is_table() && lj_get_field(reinterpret_cast<lj_state*>(J_.L), reinterpret_cast<lj_table*>(obj->t),
                                          reinterpret_cast<const lj_string*>(k(c).s), reinterpret_cast<lj_value*>(&probe));
      if (!plain_table && !obj->is_string()) {
        // __index functions, userdata (files), errors: the object goes up first, then the
        // method is looked up in it as the interpreter does.
        emit("MOVE", {A + 1, B});
        set_tag(a + 1, tag_of(b));
        meta(LJ_META_INDEX, 0, a, a + 1, LJ_META_K, &k(c));
        set_tag(a, kUnknownTag);
        return;
      }
      if (obj->is_table()) {
        need(b);
        emit("MOVE", {A + 1, B});
        set_tag(a + 1, kTagTable);
        get_field(A, A + 1, obj->t, k(c).s);
      } else if (obj->is_string()) {
        if (!lj_string_method(reinterpret_cast<lj_state*>(J_.L), reinterpret_cast<const lj_string*>(k(c).s),
                              reinterpret_cast<lj_value*>(&probe)))
          abort("string method not in the string table");
        need(b);
        emit("MOVE", {A + 1, B});
        set_tag(a + 1, kTagString);
        if (lj_class_site* site = string_method_site(k(c).s))
          emit("SELF_STR_C", {A, reinterpret_cast<uint64_t>(site), reinterpret_cast<uint64_t>(&J_.L->string_meta)});
        else
          emit("SELF_STR", {A, key});
      }
      set_tag(a, kUnknownTag);
      return;
    }
    case OP_ADDI: arith_k(Ar::kAdd, a, b, Value::integer(arg_sc(i_)), false); return;
    case OP_ADDK: arith_k(Ar::kAdd, a, b, k(c), false); return;
    case OP_SUBK: arith_k(Ar::kSub, a, b, k(c), false); return;
    case OP_MULK: arith_k(Ar::kMul, a, b, k(c), false); return;
    case OP_MODK: arith_k(Ar::kMod, a, b, k(c), false); return;
    case OP_POWK: arith_k(Ar::kPow, a, b, k(c), false); return;
    case OP_DIVK: arith_k(Ar::kDiv, a, b, k(c), false); return;
    case OP_IDIVK: arith_k(Ar::kIDiv, a, b, k(c), false); return;
    case OP_BANDK: arith_k(Ar::kBAnd, a, b, k(c), false); return;
    case OP_BORK: arith_k(Ar::kBOr, a, b, k(c), false); return;
    case OP_BXORK: arith_k(Ar::kBXor, a, b, k(c), false); return;
    case OP_SHLK: arith_k(Ar::kShl, a, b, k(c), false); return;
    case OP_SHRK: arith_k(Ar::kShr, a, b, k(c), false); return;
    case OP_RADDK: arith_k(Ar::kAdd, a, b, k(c), true); return;
    case OP_RMULK: arith_k(Ar::kMul, a, b, k(c), true); return;
    case OP_ADD: arith(Ar::kAdd, a, b, c); return;
    case OP_SUB: arith(Ar::kSub, a, b, c); return;
    case OP_MUL: arith(Ar::kMul, a, b, c); return;
    case OP_MOD: arith(Ar::kMod, a, b, c); return;
    case OP_POW: arith(Ar::kPow, a, b, c); return;
    case OP_DIV: arith(Ar::kDiv, a, b, c); return;
    case OP_IDIV: arith(Ar::kIDiv, a, b, c); return;
    case OP_BAND: arith(Ar::kBAnd, a, b, c); return;
    case OP_BOR: arith(Ar::kBOr, a, b, c); return;
    case OP_BXOR: arith(Ar::kBXor, a, b, c); return;
    case OP_SHL: arith(Ar::kShl, a, b, c); return;
    case OP_SHR: arith(Ar::kShr, a, b, c); return;
    case OP_UNM: {
      if (!reg(b)->is_number()) {
        meta(LJ_META_UNM, 0, a, b, 0);
        set_tag(a, kUnknownTag);
        return;
      }
      const uint8_t t = need(b);
      emit(t == kTagInt ? "UNM_I" : "UNM_F", {A, B});
      set_tag(a, t);
      return;
    }
    case OP_BNOT:
      if (!reg(b)->is_int()) {
        meta(LJ_META_BNOT, 0, a, b, 0);
        set_tag(a, kUnknownTag);
        return;
      }
      need(b);
      emit("BNOT_I", {A, B});
      set_tag(a, kTagInt);
      return;
    case OP_NOT:
      emit("NOT", {A, B});
      set_tag(a, kUnknownTag);
      return;
    case OP_LEN:
      if (reg(b)->is_string()) {
        need(b);
        emit("LEN_S", {A, B});
      } else if (reg(b)->is_table()) {
        if (!no_tm(reg(b)->t->meta, kTMLen)) {
          meta(LJ_META_LEN, 0, a, b, 0);
          set_tag(a, kUnknownTag);
          return;
        }
        need(b);
        emit("LEN_T", {A, B});
      } else {
        meta(LJ_META_LEN, 0, a, b, 0);
        set_tag(a, kUnknownTag);
        return;
      }
      set_tag(a, kTagInt);
      return;
    case OP_CONCAT: {
      bool plain = true;
      for (int r = b; r < b + c; r++) plain = plain && (reg(r)->is_string() || reg(r)->is_number());
      if (!plain) {  // __concat
        meta(LJ_META_CONCAT, 0, a, b, c);
        set_tag(a, kUnknownTag);
        return;
      }
      emit("CONCAT", {A, B, C});
      set_tag(a, kTagString);
      return;
    }
    case OP_CLOSE:
      emit("CLOSE", {A});
      return;
    case OP_JMP: {
      const Instr* target = pc_ + 1 + arg_sj(i_);
      next_ = target;
      if (target <= pc_) back_edge(target);
      return;
    }
    case OP_EQ: {
      const Value *x = reg(a), *y = reg(b);
      if (compare_constant(a, b, Cmp::kEq)) return;
      if (x->is_int() && y->is_int()) {
        need(a), need(b);
        compare("EQ_II", "NEQ_II", x->i == y->i, {A, B});
      } else if (x->is_float() && y->is_float()) {
        need(a), need(b);
        compare("EQ_FF", "NEQ_FF", x->n == y->n, {A, B});
      } else if (x->tag != y->tag && !(x->is_number() && y->is_number())) {
        need(a), need(b);  // different types: never equal
        conditional(false);
      } else if (x->tag == y->tag && x->tag <= kTagTrue) {
        need(a), need(b);  // nil, false, true: the tag is the value
        conditional(true);
      } else if (x->is_number() && y->is_number()) {
        need(a), need(b);  // an integer and a float, in either order
        const int ri = x->is_int() ? a : b, rf = x->is_int() ? b : a;
        compare("EQ_IF", "NEQ_IF", raw_equal(*x, *y), {static_cast<uint64_t>(ri), static_cast<uint64_t>(rf)});
      } else if (x->tag == y->tag && x->tag >= kTagString && x->tag <= kTagCClosure) {
        // The same object, different short strings or functions, tables without __eq: known
        // without the interpreter (EQ_REF leaves in the other cases, so they are not recorded).
        const bool same = x->p == y->p;
        if (!same && x->is_string() && !(x->s->is_short && y->s->is_short)) abort("equality of long strings");
        if (!same && x->is_table() && (get_tm(J_.L, *x, kTMEq) != nullptr || get_tm(J_.L, *y, kTMEq) != nullptr)) {
          meta(LJ_META_EQ, 0, a, b, 0);
          return;
        }
        need(a), need(b);
        compare("EQ_REF", "NEQ_REF", same, {A, B});
      } else {
        abort("equality of userdata");
      }
      return;
    }
    case OP_LT:
    case OP_LE: {
      const Value *x = reg(a), *y = reg(b);
      const bool lt = op == OP_LT;
      if (compare_constant(a, b, lt ? Cmp::kLt : Cmp::kLe)) return;
      if (x->is_int() && y->is_int()) {
        need(a), need(b);
        compare(lt ? "LT_II" : "LE_II", lt ? "NLT_II" : "NLE_II", lt ? x->i < y->i : x->i <= y->i, {A, B});
      } else if (x->is_float() && y->is_float()) {
        need(a), need(b);
        compare(lt ? "LT_FF" : "LE_FF", lt ? "NLT_FF" : "NLE_FF", lt ? x->n < y->n : x->n <= y->n, {A, B});
      } else if (x->is_number() && y->is_number()) {  // an integer and a float
        need(a), need(b);
        compare(lt ? "LT_NN" : "LE_NN", lt ? "NLT_NN" : "NLE_NN", lt ? lt_num(*x, *y) : le_num(*x, *y), {A, B});
      } else if (x->is_string() && y->is_string()) {
        need(a), need(b);
        const int order = str_compare(x->s, y->s);
        compare(lt ? "LT_SS" : "LE_SS", lt ? "NLT_SS" : "NLE_SS", lt ? order < 0 : order <= 0, {A, B});
      } else {  // metamethods (or the error the interpreter raises)
        meta(lt ? LJ_META_LT : LJ_META_LE, 0, a, b, 0);
      }
      return;
    }
    case OP_EQK: {
      const Value *x = reg(a), &y = k(b);
      if (y.is_nil() || y.tag == kTagFalse || y.tag == kTagTrue) {
        const bool res = x->tag == y.tag;
        if (y.is_nil()) emit(res ? "GUARD_NIL" : "GUARD_NONNIL", {A});
        else need(a);
        if (y.is_nil() && res) set_tag(a, kTagNil);
        conditional(res);
      } else if (y.is_string() && y.s->is_short) {
        compare("EQ_STR", "NEQ_STR", x->is_string() && x->s == y.s, {A, reinterpret_cast<uint64_t>(y.s)});
      } else if (y.is_int() && x->is_int()) {
        need(a);
        compare("EQ_IK", "NEQ_IK", x->i == y.i, {A, static_cast<uint64_t>(y.i)});
      } else if (!x->is_number()) {
        need(a);  // a number constant against a non-number: never equal
        conditional(false);
      } else {
        abort("equality of mixed numbers");
      }
      return;
    }
    case OP_EQI:
    case OP_LTI:
    case OP_LEI:
    case OP_GTI:
    case OP_GEI: {
      const Value* x = reg(a);
      const int imm = arg_sb(i_);
      const auto I = static_cast<uint64_t>(static_cast<int64_t>(imm));
      if (!x->is_number()) {
        if (op == OP_EQI) {  // never equal
          need(a);
          conditional(false);
          return;
        }
        // Metamethods (or the interpreter's error): R[a] op imm, imm op R[a] for GT and GE.
        const Value iv = Value::integer(imm);
        const bool swapped = op == OP_GTI || op == OP_GEI;
        const uint32_t kind = op == OP_LTI || op == OP_GTI ? LJ_META_LT : LJ_META_LE;
        if (swapped) meta(kind, 0, LJ_META_K, a, 0, &iv);
        else meta(kind, 0, a, LJ_META_K, 0, &iv);
        return;
      }
      need(a);
      if (x->is_int()) {
        const int64_t v = x->i;
        switch (op) {
          case OP_EQI: compare("EQ_IK", "NEQ_IK", v == imm, {A, I}); break;
          case OP_LTI: compare("LT_IK", "NLT_IK", v < imm, {A, I}); break;
          case OP_LEI: compare("LE_IK", "NLE_IK", v <= imm, {A, I}); break;
          case OP_GTI: compare("NLE_IK", "LE_IK", v > imm, {A, I}); break;  // a > k: not a <= k
          default: compare("NLT_IK", "LT_IK", v >= imm, {A, I}); break;     // a >= k: not a < k
        }
      } else {
        const double v = x->n, d = imm;
        switch (op) {
          case OP_EQI: compare("EQ_FK", "NEQ_FK", v == d, {A, I}); break;
          case OP_LTI: compare("LT_FK", "NLT_FK", v < d, {A, I}); break;
          case OP_LEI: compare("LE_FK", "NLE_FK", v <= d, {A, I}); break;
          case OP_GTI: compare("GT_FK", "NGT_FK", v > d, {A, I}); break;
          default: compare("GE_FK", "NGE_FK", v >= d, {A, I}); break;
        }
      }
      return;
    }
    case OP_TEST: {
      const bool truthy = !reg(a)->is_falsy();
      compare("GUARD_TRUTHY", "GUARD_FALSY", truthy, {A});
      return;
    }
    case OP_TESTSET: {
      const bool truthy = !reg(b)->is_falsy();
      emit(truthy ? "GUARD_TRUTHY" : "GUARD_FALSY", {B});
      if (static_cast<int>(truthy) != c) {
        next_ = pc_ + 2;
      } else {
        emit("MOVE", {A, B});
        set_tag(a, tag_of(b));
        const Instr* target = pc_ + 2 + arg_sj(pc_[1]);
        next_ = target;
        if (target <= pc_) abort("backward TESTSET");
      }
      return;
    }
    case OP_CALL: call(a, b, c); return;
    case OP_FORPREP: {
      const Value* ra = reg(a);
      if (!ra[0].is_number() || !ra[1].is_number() || !ra[2].is_number()) abort("numeric for loop over non-numbers");
      if (!ra[0].is_int() || !ra[2].is_int()) {
        // A float loop: everything becomes a float.
        need(a), need(a + 1), need(a + 2);
        auto num = [](const Value& v) { return v.is_int() ? static_cast<double>(v.i) : v.n; };
        const double fi = num(ra[0]), fl = num(ra[1]), fs = num(ra[2]);
        if (fs == 0) abort("numeric for loop with step zero");
        if (fs > 0 ? fl < fi : fi < fl) {
          emit("FORSKIP_F", {A, A + 1, A + 2});
          next_ = pc_ + 2 + arg_bx(i_);
          return;
        }
        emit("FORPREP_F", {A, A + 1, A + 2, A + 3});
        for (int j = 0; j < 4; j++) set_tag(a + j, kTagFloat);
        return;
      }
      const int64_t init = ra[0].i, step = ra[2].i;
      need(a), need(a + 1), need(a + 2);
      if (step == 0) abort("numeric for loop with step zero");
      int64_t limit = ra[1].i;
      if (ra[1].is_float()) {
        // An integer loop up to a float (for i = 1, n / 2): the limit becomes an integer first.
        const double f = step < 0 ? std::ceil(ra[1].n) : std::floor(ra[1].n);
        if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0)) abort("numeric for loop with a limit out of range");
        limit = static_cast<int64_t>(f);
        emit("FORLIMIT_F", {A + 1, A + 2});
        set_tag(a + 1, kTagInt);
      }
      if (step > 0 ? init > limit : init < limit) {  // the loop does not run: past its end
        emit("FORSKIP_I", {A, A + 1, A + 2});
        next_ = pc_ + 2 + arg_bx(i_);
        return;
      }
      emit("FORPREP_I", {A, A + 1, A + 2, A + 3});
      set_tag(a + 1, kTagInt);
      set_tag(a + 3, kTagInt);
      return;
    }
    case OP_FORLOOP: {
      const Value* ra = reg(a);
      const Instr* target = pc_ + 1 - arg_bx(i_);
      const bool is_int = ra[2].is_int();
      const bool more = is_int ? static_cast<uint64_t>(ra[1].i) > 0
                               : (ra[2].n > 0 ? ra[0].n + ra[2].n <= ra[1].n : ra[1].n <= ra[0].n + ra[2].n);
      need(a + 2);  // the interpreter's test: the other control registers follow from it
      const uint8_t t = is_int ? kTagInt : kTagFloat;
      set_tag(a, t);
      set_tag(a + 1, t);
      const std::initializer_list<uint64_t> operands = {A, A + 1, A + 2, A + 3};
      if (!more) {
        if (is_int) emit("FORDONE_I", {A + 1});
        else emit("FORDONE_F", {A, A + 1, A + 2});
        next_ = pc_ + 1;
        return;
      }
      next_ = target;
      if (target == R_.start && off() == R_.start_offset) {
        cpjit_insn& loop = emit(is_int ? "FORLOOP_I" : "FORLOOP_F", operands);
        loop.jump = loop_target();
        emit("EXIT", {}, pc_ + 1);  // the loop is over: on after it
        done_ = true;
      } else {
        go_round(target);
        emit(is_int ? "FORLOOP_IX" : "FORLOOP_FX", operands);
      }
      set_tag(a + 3, t);
      return;
    }
    case OP_RETURN:
    case OP_RETURN0:
    case OP_RETURN1:
      return_values(a, op == OP_RETURN0 ? 0 : op == OP_RETURN1 ? 1 : b - 1);
      return;
    case OP_TAILCALL: {
      // In an inlined function (the trace's own frame cannot be replaced): the callee takes over
      // the frame, and returns to the inlined function's caller.
      // Also in the frame the recording is in, where the trace may move its base.
      const bool own = !frame().pushed;
      if (own && !R_.moves_base()) abort("tail call");
      const bool own_base = own && own_frame();  // the pinned closure changes too
      // b == 0: the arguments end at the stack top, where the call before left its results.
      if (b == 0 && !R_.top_set) abort("tail call with a variable number of arguments");
      const Value* f = reg(a);
      if (f->tag == kTagCFunction || f->tag == kTagCClosure) {
        // The interpreter calls a builtin from this frame and returns what it returns: so does
        // the trace, asking for as many results as this frame's caller wants.
        const int wanted = frame().pushed ? frame().nresults : frame().ci->nresults;
        if (wanted < 0) abort("tail call of a builtin whose results all go on");
        call(a, b, wanted + 1);
        return_values(a, wanted);
        return;
      }
      R_.top_set = false;
      if (f->tag != kTagLClosure) abort("tail call of a value that is not a function");
      Proto* p = f->lcl->p;
      if (p->is_vararg) abort("tail call of a vararg function");
      if (!own && recording_frame_of(p)) abort("recursive tail call");
      if (off() + 2 * kMaxRegisters >= kMaxSlots) abort("tail call too deep in the stack");
      guard_proto(a, p);
      if ((b == 0 || b - 1 >= p->numparams) && frame().proto->nprotos == 0) {
        // All parameters passed (checked when the trace runs if the arguments end at the stack
        // top), and no upvalue can be open over the frame: what the frame needs is worked out
        // now (the _K variants).
        // Two to four values to move (counted now when they end at the stack top, where they
        // must end again): the _K<n> and _KT<n> variants move them in straight-line code.
        const int64_t n = b != 0 ? b : J_.L->top - reg(a);
        const bool counted = n >= 2 && n <= 4 && n >= 1 + p->numparams;
        auto* site = new_site<lj_call_site>();
        site->code = p->code;
        site->limit_offset = static_cast<uint64_t>((counted ? n : b) + p->numparams + p->maxstack) * sizeof(Value);
        site->top_offset = static_cast<uint64_t>(1 + p->maxstack) * sizeof(Value);
        site->b = static_cast<uint16_t>(counted ? n : b);
        site->c = static_cast<uint16_t>(1 + p->numparams);
        std::string uop = own_base ? "TAIL_FRAME_BASE_K" : "TAIL_FRAME_K";
        // The trace's own frame without varargs: the _KF forms take its base; the _SELF forms
        // when the callee runs the frame's prototype, whose frame stays as it is.
        const std::optional<uint64_t> frame_base = own_base && counted ? base_below_func() : std::nullopt;
        const bool self = frame_base && p == frame().proto;
        if (self) uop = "TAIL_FRAME_SELF_K" + std::string(b == 0 ? "T" : "") + std::to_string(n);
        else if (counted) uop += (b == 0 ? "T" : "") + std::string(frame_base ? "F" : "") + std::to_string(n);
        emit(uop, {A, reinterpret_cast<uint64_t>(site), frame_base.value_or(0)});
      } else
        emit(own_base ? "TAIL_FRAME_BASE" : "TAIL_FRAME", {A, B});
      R_.pending_tail = true;
      R_.inlined.push_back(p);
      next_ = p->code;
      return;
    }
    case OP_TFORPREP:
      next_ = pc_ + 1 + arg_bx(i_);  // on to the TFORCALL: nothing to do in between
      return;
    case OP_TFORCALL: {
      // R[a+3 .. a+2+c] := R[a](R[a+1], R[a+2])
      const Value* f = reg(a);
      const bool next = f->tag == kTagCFunction && f->f == base_next && reg(a + 1)->is_table();
      // ipairs() over a table with a metatable may go through __index: the call below does.
      const bool ipairs = f->tag == kTagCFunction && f->f == ipairs_aux && reg(a + 1)->is_table() &&
                          reg(a + 1)->t->meta == nullptr && reg(a + 2)->is_int();
      if ((next || ipairs) && c <= 2) {
        emit("GUARD_CFUNC", {A, reinterpret_cast<uint64_t>(f->f)});
        set_tag(a, kTagCFunction);
        need(a + 1);
        if (ipairs) need(a + 2);
        const std::string uop = std::string(ipairs ? "ITER_IPAIRS" : "ITER_NEXT") + (c == 1 ? "1" : "");
        if (c == 1) emit(uop, {A + 1, A + 2, A + 3});
        else emit(uop, {A + 1, A + 2, A + 3, A + 4});
        for (int j = 0; j < c; j++) set_tag(a + 3 + j, kUnknownTag);
        return;
      }
      // Any other iterator is called as the interpreter calls it: with the function and its two
      // arguments copied above the loop's registers (done here already, as the interpreter is
      // about to do: the call below looks at them).
      for (int j = 0; j < 3; j++) {
        emit("MOVE", {A + 3 + j, A + j});
        set_tag(a + 3 + j, tag_of(a + j));
        *reg(a + 3 + j) = *reg(a + j);
      }
      call(a + 3, 3, c + 1);
      return;
    }
    case OP_TFORLOOP: {
      // if R[a+3] ~= nil then { R[a+2] := R[a+3]; jump back }
      if (reg(a + 3)->is_nil()) {
        emit("GUARD_NIL", {A + 3});
        set_tag(a + 3, kTagNil);
        next_ = pc_ + 1;
        return;
      }
      emit("GUARD_NONNIL", {A + 3});
      emit("MOVE", {A + 2, A + 3});
      set_tag(a + 2, tag_of(a + 3));
      const Instr* target = pc_ + 1 - arg_bx(i_);
      next_ = target;
      back_edge(target);
      return;
    }
    case OP_SETLIST:
      // The list of a constructor: {x, y, z}, or up to the stack top after a call ({f(), g()}).
      if (b == 0 && !R_.top_set) abort("table constructor with a variable number of values");
      R_.top_set = false;
      need(a);
      // One to four values (counted now when they end at the stack top): stored unrolled.
      if (const int64_t n = b != 0 ? b : J_.L->top - reg(a) - 1; n >= 1 && n <= 4)
        emit(std::string(b == 0 ? "SETLIST_T" : "SETLIST_") + std::to_string(n), {A, pc_[1]});
      else
        emit("SETLIST", {A, static_cast<uint64_t>(b), pc_[1]});
      return;
    case OP_CLOSURE: {
      const auto P = reinterpret_cast<uint64_t>(frame().proto->protos[arg_bx(i_)]);
      if (own_frame()) emit("CLOSURE", {A, P});
      else emit("CLOSURE_F", {A, P, func_slot(), off() * sizeof(Value)});
      set_tag(a, kTagLClosure);
      return;
    }
    case OP_VARARG: {
      // R[a] .. R[a+c-2] := ...  (c == 0: all of them, up to the stack top)
      const int n = frame().ci->nvarargs;
      const int wanted = c == 0 ? n : c - 1;
      // All of them may go past the frame's registers (as in tier 1: the stack has room), up to
      // the stack top a call or SETLIST then takes them from.
      if (off() + a + wanted >= kMaxSlots) abort("too many varargs");
      emit(c == 0 ? "VARARG_ALL" : "VARARG", {A, static_cast<uint64_t>(wanted)});
      for (int j = 0; j < wanted && a + j < frame().proto->maxstack; j++) set_tag(a + j, kUnknownTag);
      if (c == 0) R_.top_set = true;
      return;
    }
    default: abort(std::string("unsupported instruction ") + kOpNames[op]);
  }
}

}  // namespace

void finish_constants(Jit& J, Recording& R) {
  for (size_t i : R.constant_guards) {
    cpjit_insn& insn = R.insns[i];
    if (!R.stores_any_key && R.stored_keys.count(reinterpret_cast<const void*>(insn.operands[1])) == 0) continue;
    insn.uop = J.uop(insn.uop == J.uop("GUARD_TABUP_IS") ? "GUARD_TABUP_IS_EACH" : "GUARD_FIELD_IS_EACH");
  }
  R.constant_guards.clear();
}

namespace {

// Does an instruction from `from` to `last` (null: to the end) of p read a fixed upvalue?
bool reads_fixed_upvalue(const Proto* p, const Instr* from, const Instr* last) {
  const Instr* end = last != nullptr ? last + 1 : p->code + p->ncode;
  return std::any_of(from, end, [p](Instr i) { return op_of(i) == OP_GETUPVAL && p->upvals[arg_b(i)].fixed; });
}

}  // namespace

void record_start(Jit& J, CallInfo* ci, const Instr* pc, LoopState* loop, TraceRec* parent, uint32_t parent_exit,
                  uint32_t frame_offset) {
  Recording& R = J.rec;
  R = Recording{};
  R.active = true;
  R.ci = ci;
  R.base = ci->base;
  R.proto = ci->func->lcl->p;
  R.trace_base = ci->base - frame_offset;
  R.start_offset = frame_offset;
  R.start = pc;
  R.expect = pc;
  R.loop = loop;
  R.parent = parent;
  R.parent_exit = parent_exit;
  RecFrame f;
  f.ci = ci;
  f.base = ci->base;
  f.proto = R.proto;
  f.offset = frame_offset;
  R.frames.push_back(f);
  R.tags.assign(frame_offset + R.proto->maxstack, kUnknownTag);
  R.upval_slots.clear();
  R.last_upval_load = {};
  R.started = std::chrono::steady_clock::now();
  // A side trace at a field read: the parent's guard on a constant there may have failed (a
  // global that changes); this trace and later ones read it as it is.
  if (parent != nullptr && (op_of(*pc) == OP_GETTABUP || op_of(*pc) == OP_GETFIELD)) J.varying_fields.insert(pc);
  if (parent != nullptr && parent->exits[parent_exit].virtual_site != nullptr) {
    // The exit is inside a call whose frame the parent did not push: this trace pushes it first
    // (the interpreter, that found it pushed, resumed in it). If it cannot, its exit resumes
    // here, pushing the frame the slow way as the parent's exit would.
    const ExitState& from = parent->exits[parent_exit];
    const auto* site = static_cast<const lj_call_site*>(from.virtual_site.get());
    R.sites.push_back(from.virtual_site);
    ExitState again = from;
    again.side = nullptr;
    again.attempts = 0;
    const uint64_t func = frame_offset - 1;  // the callee's function slot
    cpjit_insn push;
    cpjit_insn_init(&push, J.uop("PUSH_FRAME_K"));
    push.operands[0] = func * sizeof(Value);
    push.operands[1] = (func + site->b) * sizeof(Value);
    push.operands[2] = reinterpret_cast<uint64_t>(site);
    push.exits[0] = static_cast<uint32_t>(R.exits.size());  // not shared: later exits here find the frame
    R.exits.push_back(std::move(again));
    R.insns.push_back(push);
    R.body = 1;  // back here, the frame is pushed
  }
  LClosure* own = ci->func->lcl;
  if (parent == nullptr && own->p->instances == 1 && reads_fixed_upvalue(own->p, pc, loop != nullptr ? loop->end : nullptr)) {
    // A root trace in a function with one closure whose loop (or whole code, at its entry)
    // reads a fixed upvalue checks the closure once, before what it runs again: the upvalues
    // are constants then (Recorder::fixed_upval).
    cpjit_insn guard;
    cpjit_insn_init(&guard, J.uop("GUARD_CL"));
    guard.operands[0] = reinterpret_cast<uint64_t>(own);
    // An exit of its own: the trace's other exits at this instruction know the closure.
    ExitState e;
    e.pc = static_cast<uint32_t>(pc - R.proto->code);
    e.proto = R.proto;
    e.frame_offset = frame_offset;
    guard.exits[0] = static_cast<uint32_t>(R.exits.size());
    R.exits.push_back(e);
    R.insns.push_back(guard);
    R.body = static_cast<uint32_t>(R.insns.size());
    R.start_closure = own;
    R.start_guarded = true;
    R.pin(own);
    R.frames.back().closure_known = true;
  }
  if (parent != nullptr && parent->exits[parent_exit].known_closure == own) {
    // The parent knew the closure wherever it took this exit.
    R.start_closure = own;
    R.pin(own);
    R.frames.back().closure_known = true;
  }
  if (parent != nullptr && parent->exits[parent_exit].returned) {
    // That exit is taken wherever the caller goes on: this trace is for where it goes on now.
    cpjit_insn guard;
    cpjit_insn_init(&guard, J.uop("GUARD_RETPC"));
    guard.operands[0] = reinterpret_cast<uint64_t>(pc);
    guard.exits[0] = returned_exit(R);
    R.insns.push_back(guard);
    // Not part of what runs again when the trace loops back to its start: the frame's saved
    // pc is the call site's only on entry from the parent (a call the trace makes moves it),
    // and the exit of a guard that failed there resumed the frame at that stale pc.
    R.body = static_cast<uint32_t>(R.insns.size());
    // Behind that guard, the call before pc is known: if it keeps all its results, the return
    // left the stack top after them for the next instruction.
    const Instr call = pc[-1];
    R.top_set = op_of(call) == OP_CALL && arg_c(call) == 0;
  }
}

// The interpreter entered the frame of an inlined call.
bool enter_inlined_frame(Recording& R, CallInfo* ci) {
  if (ci->func != R.pending_call || ci->base < R.trace_base) return false;
  RecFrame f;
  f.ci = ci;
  f.base = ci->base;
  f.proto = ci->func->lcl->p;
  f.offset = static_cast<uint32_t>(ci->base - R.trace_base);
  f.pushed = true;
  f.return_pc = ci->prev->savedpc;
  f.call_a = R.pending_a;
  f.nresults = R.pending_nresults;
  f.push_insn = R.pending_push;
  f.closure_known = R.pending_known;
  if (f.offset + f.proto->maxstack >= kMaxSlots) return false;
  // Parameters the call did not pass are nil; the arguments are what the caller's registers
  // held; the rest of the frame is not known.
  const auto args = static_cast<uint32_t>(R.pending_nargs);
  if (R.tags.size() < f.offset + f.proto->maxstack) R.tags.resize(f.offset + f.proto->maxstack, kUnknownTag);
  for (uint32_t r = 0; r < f.proto->maxstack; r++)
    if (r >= args && r < f.proto->numparams && !f.proto->is_vararg) R.tags[f.offset + r] = kTagNil;
    else if (r >= args || f.proto->is_vararg) R.tags[f.offset + r] = kUnknownTag;
  R.frames.push_back(f);
  R.pending_call = nullptr;
  return true;
}

// Ends the recording at instruction pc of the frame being recorded with an exit linked to root
// trace `to`, which runs with that frame as its own: an inlined call's frame becomes the
// trace's own first (REBASE_CI), and the exit resumes with it as such.
void link_to(Jit& J, Recording& R, const Instr* pc, TraceRec* to) {
  RecFrame f = R.frames.back();
  if (f.offset != 0) {
    cpjit_insn rebase;
    cpjit_insn_init(&rebase, J.uop("REBASE_CI"));
    R.insns.push_back(rebase);
    f.offset = 0;
  }
  cpjit_insn exit;
  cpjit_insn_init(&exit, J.uop("EXIT"));
  exit.exits[0] = exit_for(R, f, static_cast<uint32_t>(pc - f.proto->code), false);
  R.insns.push_back(exit);
  R.link_to = to;
  R.link_exit = exit.exits[0];
}

// The interpreter entered the frame of a call that moves the trace's base (CALL_REBASE).
bool enter_rebased_frame(Recording& R, CallInfo* ci) {
  if (ci->func != R.pending_call || ci->func->tag != kTagLClosure) return false;
  R.rebase_to(ci);
  R.frames.back().closure_known = R.pending_known;
  R.pending_call = nullptr;
  R.pending_rebase = false;
  return true;
}

// The interpreter made an inlined tail call: the callee now runs in the frame being recorded.
bool enter_tail_frame(Recording& R, CallInfo* ci) {
  RecFrame& f = R.frames.back();
  if (ci != f.ci || ci->base < R.trace_base || !ci->func->is_function() || ci->func->tag != kTagLClosure) return false;
  f.base = ci->base;
  f.proto = ci->func->lcl->p;
  f.offset = static_cast<uint32_t>(ci->base - R.trace_base);
  f.closure_known = R.pending_known;
  if (f.offset + f.proto->maxstack >= kMaxSlots) return false;
  if (R.tags.size() < f.offset + f.proto->maxstack) R.tags.resize(f.offset + f.proto->maxstack, kUnknownTag);
  std::fill(R.tags.begin() + f.offset, R.tags.begin() + f.offset + f.proto->maxstack, kUnknownTag);
  R.pending_tail = false;
  return true;
}

RecordStep record_instruction(Jit& J, CallInfo* ci, const Instr* pc, std::string& abort_reason) {
  Recording& R = J.rec;
  R.steps++;
  if (R.pending_tail && !enter_tail_frame(R, ci)) {
    abort_reason = "inlined tail call entered no frame";
    return RecordStep::kAbort;
  }
  if (R.pending_call != nullptr && !(R.pending_rebase ? enter_rebased_frame(R, ci) : enter_inlined_frame(R, ci))) {
    abort_reason = "inlined call entered no frame of its own";
    return RecordStep::kAbort;
  }
  if (pc != R.expect) {
    abort_reason = "unexpected control flow (error or frame change)";
    return RecordStep::kAbort;
  }
  if (R.fused_to != nullptr) {  // recorded already (Recorder::swap)
    R.expect = pc + 1;
    R.bytecodes++;
    if (pc == R.fused_to) R.fused_to = nullptr;
    return RecordStep::kContinue;
  }
  try {
    if (R.bytecodes > 0) {
      const RecFrame& f = R.frames.back();
      // Back at the start without a back edge (a side trace around an enclosing loop).
      if (pc == R.start && f.offset == R.start_offset) {
        cpjit_insn jump;
        cpjit_insn_init(&jump, J.uop("JUMP"));
        const std::optional<uint32_t> target = R.loop_target();
        if (!target) throw Abort{"back at the start in another closure"};
        jump.jump = *target;
        R.insns.push_back(jump);
        return RecordStep::kDone;
      }
      // At the head of a loop that has a trace: continue there (in an inlined call's frame,
      // that frame becomes the trace's own first, as the loop's trace runs in it).
      auto it = J.loops.find(pc);
      if (it != J.loops.end() && it->second.trace != nullptr) {
        // A loop's root whose iteration went into an inner loop: other iterations may not
        // (sieve's `if flags[i]` holds for primes only), and one that stays in the loop makes
        // a trace that loops, where this one would go round through exits and a side trace.
        // A few more tries, then this shape is kept (nested loops that always run the inner).
        if (R.loop != nullptr && R.parent == nullptr && R.loop->entered < kMaxLoopEntries) {
          R.loop->entered++;
          abort_reason = kEnteredLoop;
          return RecordStep::kAbort;
        }
        link_to(J, R, pc, it->second.trace);
        return RecordStep::kDone;
      }
      // At the entry of a function that has a trace there, in the trace's own frame: the same.
      if (pc == f.proto->code && f.offset == 0 && f.proto->jit_entry != nullptr) {
        link_to(J, R, pc, static_cast<TraceRec*>(f.proto->jit_entry));
        return RecordStep::kDone;
      }
    }
    const size_t mark = R.insns.size();
    // The instruction may take back the uop before it (a load it reads as a constant operand
    // or fuses, Recorder::unwritten_constant, fuse_upval_index): an abort puts it back.
    const std::optional<cpjit_insn> before = mark > 0 ? std::optional<cpjit_insn>(R.insns[mark - 1]) : std::nullopt;
    try {
      R.bytecodes++;
      Recorder rec(J, pc);
      if (rec.run()) return RecordStep::kDone;
      if (!R.ended_after.empty()) {  // this instruction's uops end the trace
        abort_reason = R.ended_after;
        return RecordStep::kEnded;
      }
      // A root trace follows its loop: an iteration that leaves it (a break, a return) is not
      // the one to compile; the next recording will likely stay.
      if (R.parent == nullptr && R.frames.size() == 1 && R.pending_call == nullptr && R.loop_end != nullptr &&
          (R.expect < R.start || R.expect > R.loop_end)) {
        abort_reason = kLeftLoop;
        return RecordStep::kAbort;
      }
      return RecordStep::kContinue;
    } catch (const Abort& a) {
      // Nothing of this instruction stays. With something recorded before it, the trace ends
      // here: the interpreter runs the instruction (and a hot exit may grow a side trace).
      R.bytecodes--;
      R.insns.resize(mark);
      if (before) R.insns[mark - 1] = *before;
      std::erase_if(R.constant_guards, [mark](size_t i) { return i >= mark; });
      abort_reason = a.reason;
      if (a.fatal || R.bytecodes == 0) return RecordStep::kAbort;
      cpjit_insn exit;
      cpjit_insn_init(&exit, J.uop("EXIT"));
      const RecFrame& f = R.frames.back();
      exit.exits[0] = exit_for(R, f, static_cast<uint32_t>(pc - f.proto->code), false);
      R.insns.push_back(exit);
      return RecordStep::kEnded;
    }
  } catch (const Abort& a) {
    abort_reason = a.reason;
    return RecordStep::kAbort;
  }
}

}  // namespace cpjit::lua
