#include "render.h"

#include <nlohmann/json.hpp>

#include <cinttypes>
#include <cstdio>

namespace cpjit::dis {

namespace {

std::string fmt(const char *format, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

std::string bytes_text(const std::vector<uint8_t> &bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) out += fmt(i ? " %02x" : "%02x", bytes[i]);
  return out;
}

std::string offset_column(uint32_t offset) { return fmt("+%04x", offset); }

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string html_escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string render_text(const Document &doc) {
  std::string out;
  for (const std::string &line : doc.summary) out += "# " + line + "\n";
  for (const Block &b : doc.blocks) {
    out += "\n" + b.title;
    for (const auto &[key, value] : b.facts) out += "  " + key + " " + value;
    out += "\n";
    for (const Line &line : b.lines) {
      std::string text = "  " + offset_column(line.offset) + "  " + pad(bytes_text(line.bytes), 30) + " " + line.text;
      if (!line.comment.empty()) text = pad(std::move(text), 80) + " # " + line.comment;
      out += text + "\n";
      for (const Note &n : line.notes)
        out += "         ^ " + offset_column(n.offset) + " " + n.text + "  [" + n.kind +
               (n.relocation.empty() ? "" : ", " + n.relocation) + "]\n";
    }
  }
  return out;
}

std::string render_json(const Document &doc) {
  using Json = nlohmann::ordered_json;
  Json root;
  root["format"] = "cpjit-dis";
  root["version"] = 1;
  root["source"] = doc.source;
  root["name"] = doc.name;
  root["arch"] = doc.arch;
  root["target"] = doc.target;
  root["stencil_set"] = doc.stencil_set;
  if (doc.source == "trace-dump") {
    root["address"] = fmt("0x%" PRIx64, doc.address);
    root["size"] = doc.size;
  }
  root["summary"] = doc.summary;
  Json blocks = Json::array();
  for (const Block &b : doc.blocks) {
    Json jb;
    jb["anchor"] = b.anchor;
    jb["kind"] = b.kind;
    jb["title"] = b.title;
    Json facts = Json::object();
    for (const auto &[key, value] : b.facts) facts[key] = value;
    jb["facts"] = std::move(facts);
    jb["address"] = fmt("0x%" PRIx64, b.address);
    jb["offset"] = b.offset;
    jb["size"] = b.size;
    jb["code"] = b.code;
    Json lines = Json::array();
    for (const Line &line : b.lines) {
      Json jl;
      jl["address"] = fmt("0x%" PRIx64, line.address);
      jl["offset"] = line.offset;
      jl["bytes"] = bytes_text(line.bytes);
      jl["text"] = line.text;
      if (line.branch) jl["branch"] = fmt("0x%" PRIx64, *line.branch);
      if (!line.comment.empty()) jl["comment"] = line.comment;
      if (!line.link.empty()) jl["link"] = line.link;
      if (!line.notes.empty()) {
        Json notes = Json::array();
        for (const Note &n : line.notes) {
          Json jn;
          jn["offset"] = n.offset;
          jn["kind"] = n.kind;
          if (!n.relocation.empty()) jn["relocation"] = n.relocation;
          jn["text"] = n.text;
          if (!n.link.empty()) jn["link"] = n.link;
          notes.push_back(std::move(jn));
        }
        jl["notes"] = std::move(notes);
      }
      lines.push_back(std::move(jl));
    }
    jb["lines"] = std::move(lines);
    blocks.push_back(std::move(jb));
  }
  root["blocks"] = std::move(blocks);
  return root.dump(1, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string render_html(const Document &doc) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>cpjit-dis: " + html_escape(doc.name) + "</title>\n";
  out += R"(<style>
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1d1d1f; background: #fafafa; }
h1 { font-size: 1.3em; margin-bottom: 0.2em; }
.summary { color: #555; margin: 0.1em 0; }
nav { margin: 1em 0; line-height: 1.8; }
nav a { font-family: ui-monospace, monospace; font-size: 0.85em; margin-right: 0.4em; padding: 0.1em 0.4em;
        border-radius: 3px; background: #e8eef7; color: #134; text-decoration: none; }
table { border-collapse: collapse; width: 100%; }
td { vertical-align: top; border-top: 1px solid #ddd; padding: 0.5em 0.8em; }
td.block { width: 28%; background: #fff; }
td.block .title { font-weight: 600; font-family: ui-monospace, monospace; }
td.block dl { margin: 0.4em 0 0 0; font-size: 0.85em; }
td.block dt { color: #777; float: left; clear: left; width: 5.5em; }
td.block dd { margin-left: 5.5em; font-family: ui-monospace, monospace; }
tr.uop td.block { border-left: 4px solid #2f6fbf; }
tr.exit-stub td.block, tr.trap td.block { border-left: 4px solid #bf5b2f; }
tr.data td.block, tr.pool td.block, tr.stencil-data td.block { border-left: 4px solid #7a7a7a; }
tr.stencil td.block { border-left: 4px solid #2f8f5f; }
pre { margin: 0; font-family: ui-monospace, monospace; font-size: 0.85em; line-height: 1.45; }
.off { color: #999; }
.bytes { color: #777; }
.insn { color: #111; }
.cmt { color: #2f6fbf; }
.note { color: #a0460f; }
.kind { color: #999; }
:target td { background: #fff8dc; }
</style>
</head>
<body>
)";
  out += "<h1>" + html_escape(doc.name) + " <small>(" + html_escape(doc.source) + ")</small></h1>\n";
  for (const std::string &s : doc.summary) out += "<p class=\"summary\">" + html_escape(s) + "</p>\n";
  out += "<nav>";
  for (const Block &b : doc.blocks) out += "<a href=\"#" + html_escape(b.anchor) + "\">" + html_escape(b.title) + "</a>";
  out += "</nav>\n<table>\n";
  auto link = [](const std::string &anchor, const std::string &text) {
    return anchor.empty() ? html_escape(text) : "<a href=\"#" + html_escape(anchor) + "\">" + html_escape(text) + "</a>";
  };
  for (const Block &b : doc.blocks) {
    out += "<tr id=\"" + html_escape(b.anchor) + "\" class=\"" + html_escape(b.kind) + "\">\n<td class=\"block\">";
    out += "<div class=\"title\">" + html_escape(b.title) + "</div>\n<dl>";
    for (const auto &[key, value] : b.facts) out += "<dt>" + html_escape(key) + "</dt><dd>" + html_escape(value) + "</dd>";
    out += "</dl></td>\n<td class=\"code\"><pre>";
    for (const Line &line : b.lines) {
      out += "<span class=\"off\">" + offset_column(line.offset) + "</span>  <span class=\"bytes\">" +
             html_escape(pad(bytes_text(line.bytes), 30)) + "</span> <span class=\"insn\">" + html_escape(line.text) +
             "</span>";
      if (!line.comment.empty()) out += "  <span class=\"cmt\"># " + link(line.link, line.comment) + "</span>";
      out += "\n";
      for (const Note &n : line.notes)
        out += "       <span class=\"note\">^ " + offset_column(n.offset) + " " + link(n.link, n.text) +
               "</span>  <span class=\"kind\">[" + html_escape(n.kind) +
               (n.relocation.empty() ? "" : ", " + html_escape(n.relocation)) + "]</span>\n";
    }
    out += "</pre></td>\n</tr>\n";
  }
  out += "</table>\n</body>\n</html>\n";
  return out;
}

}  // namespace cpjit::dis
