// Errors are values in the JIT and the runtime: a failed compile returns a Status and the
// interpreter keeps running. Every failure is created by make_error(), so one breakpoint
// catches them all.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace cpjit::jit {

enum class ErrorCode : uint8_t {
  kOk = 0,
  kOutOfMemory,          // the host could not give memory (mmap, new)
  kCodeMemoryExhausted,  // the configured limit on code memory is reached
  kOutOfRange,           // a patched field cannot reach its target and no veneer can help
  kOperandTooWide,       // an operand does not fit the width its hole reads
  kInvalidTrace,         // malformed trace: unknown stencil, jump outside the trace, ...
  kUnresolvedSymbol,     // a stencil needs a symbol the interpreter did not provide
  kInvalidStencilSet,    // tables that fail validation (ABI version, bounds, shapes)
  kUnsupported,          // not available on this host or target
  kSystem,               // an operating-system call failed
};

const char *error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string &message() const { return message_; }

 private:
  friend Status make_error(ErrorCode code, std::string message);
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status ok_status() { return Status(); }

// The one constructor of failures.
Status make_error(ErrorCode code, std::string message);

}  // namespace cpjit::jit

// Returns the status of `expr` from the calling function when it is an error.
#define CPJIT_PROPAGATE(expr)                              \
  do {                                                     \
    ::cpjit::jit::Status cpjit_status_ = (expr);           \
    if (!cpjit_status_.ok()) return cpjit_status_;         \
  } while (0)
