// Deterministic mutation testing of the lexer, parser and compiler, without libFuzzer.
//
//   cpjit-lua-mutate CORPUS_DIR [COUNT] [SEED]
//
// Takes the corpus programs, applies COUNT rounds of random edits (byte flips, deletions,
// duplications, splices between programs, inserted tokens) and compiles each result through
// the same entry point the libFuzzer target uses. Any outcome is fine except a crash (or a
// sanitizer report in sanitized builds); a compile must also not take unreasonably long.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cpjit_lua/cpjit_lua.h"

namespace {

// splitmix64: small, fast and the same everywhere, so every run mutates identically.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

const char* const kTokens[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
    "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    "//", "..", "...", "==", ">=", "<=", "~=", "<<", ">>", "::", "(", ")", "{", "}", "[", "]",
    "[[", "]]", "[==[", "--[[", "--", "=", ",", ";", ":", ".", "+", "-", "*", "/", "%", "^",
    "#", "&", "~", "|", "<", ">", "\"", "'", "\\", "\\u{", "\\x", "\\z", "0x", "1e", "1e308",
    "9223372036854775808", "0x7fffffffffffffff", ".5", "x", "_ENV", "self", "<const>",
    "<close>", "\n", " ", "\0", "\xff", "goto continue", "::continue::", "local function f",
};

std::string mutate(Rng& rng, std::string s, const std::vector<std::string>& corpus) {
  int edits = 1 + static_cast<int>(rng.below(4));
  for (int e = 0; e < edits; e++) {
    size_t len = s.size();
    switch (rng.below(7)) {
      case 0:  // flip a byte
        if (len) s[rng.below(len)] = static_cast<char>(rng.next());
        break;
      case 1: {  // delete a range
        if (!len) break;
        size_t at = rng.below(len);
        s.erase(at, 1 + rng.below(std::min<size_t>(64, len - at)));
        break;
      }
      case 2: {  // duplicate a range
        if (!len) break;
        size_t at = rng.below(len);
        size_t n = 1 + rng.below(std::min<size_t>(256, len - at));
        s.insert(rng.below(len + 1), s.substr(at, n));
        break;
      }
      case 3: {  // insert a token
        const char* tok = kTokens[rng.below(sizeof kTokens / sizeof kTokens[0])];
        std::string t = tok[0] ? std::string(tok) : std::string(1, '\0');
        s.insert(rng.below(len + 1), t);
        break;
      }
      case 4: {  // splice a piece of another program
        const std::string& o = corpus[rng.below(corpus.size())];
        if (o.empty()) break;
        size_t at = rng.below(o.size());
        s.insert(rng.below(len + 1), o.substr(at, 1 + rng.below(std::min<size_t>(512, o.size() - at))));
        break;
      }
      case 5: {  // deep nesting, or long left-associative chains
        static const char* const kChains[] = {"(", "{", "[", "a and ", "a or ", "a + ",
                                             "a .. ", "not ", "-", "a.", "f()", "a == "};
        size_t n = 1 + rng.below(2000);
        std::string piece = kChains[rng.below(sizeof kChains / sizeof kChains[0])];
        std::string chain;
        for (size_t k = 0; k < n; k++) chain += piece;
        s.insert(rng.below(len + 1), chain);
        break;
      }
      default:  // truncate
        if (len) s.resize(rng.below(len));
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [COUNT] [SEED]\n", argv[0]);
    return 2;
  }
  long count = argc > 2 ? std::atol(argv[2]) : 3000;
  uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20240601;
  std::vector<std::string> corpus;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() == ".lua") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());  // directory order is not reproducible
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    corpus.push_back(ss.str());
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "no .lua files in %s\n", argv[1]);
    return 2;
  }
  cpjit::lua::State* L = cpjit::lua::open(size_t{256} << 20);
  if (L == nullptr) return 1;
  Rng rng{seed};
  long ok = 0, errors = 0;
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; i++) {
    std::string src = mutate(rng, corpus[rng.below(corpus.size())], corpus);
    auto t0 = std::chrono::steady_clock::now();
    cpjit::lua::Status st = cpjit::lua::compile_only(L, src.data(), src.size(), "=mutant");
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (ms > 2000) {
      std::fprintf(stderr, "mutant %ld took %lld ms to compile\n", i, static_cast<long long>(ms));
      return 1;
    }
    if (st == cpjit::lua::kOk) ok++;
    else errors++;
  }
  cpjit::lua::close(L);
  auto total = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld mutants: %ld compiled, %ld rejected with an error (%lld ms)\n", count, ok, errors,
              static_cast<long long>(total));
  return 0;
}
