#include "untrusted.h"

#include "../common/disasm.h"
#include "object_file.h"
#include "stencils.h"
#include "writers.h"

namespace cpjit::gen {

bool process_untrusted_object(std::span<const uint8_t> bytes, std::string &error) {
  try {
    ObjectFile object = read_object(bytes, "input");
    StencilSet set;
    set.name = "fuzz";
    set.machine = object.machine;
    set.target = object.machine == Machine::X86_64 ? "x86_64-linux-gnu" : "aarch64-linux-gnu";
    set.stencils = extract_stencils(object, "input");
    finalize_set(set);
    static std::string dis_error;
    static auto x86 = tools::Disassembler::create("x86_64-linux-gnu", dis_error);
    static auto a64 = tools::Disassembler::create("aarch64-linux-gnu", dis_error);
    const tools::Disassembler *dis = object.machine == Machine::X86_64 ? x86.get() : a64.get();
    if (dis == nullptr) {
      error = "no disassembler: " + dis_error;
      return false;
    }
    SetMeta meta;
    meta.digest = "0";
    std::string text = render_text(set, *dis);
    std::string header = render_header(set, meta, *dis);
    std::string json = render_json(set, meta, *dis);
    return !text.empty() && !header.empty() && !json.empty();
  } catch (const StencilgenError &e) {
    error = e.what();
    return false;
  }
}

}  // namespace cpjit::gen
