// cpjit-dis output formats for a Document: text (for terminals and golden files), JSON (for
// scripts) and a self-contained HTML page (blocks on the left, machine code on the right).
// All three are deterministic: the same input gives byte-identical output.
#pragma once

#include <string>

#include "listing.h"

namespace cpjit::dis {

std::string render_text(const Document &doc);
std::string render_json(const Document &doc);
std::string render_html(const Document &doc);

}  // namespace cpjit::dis
