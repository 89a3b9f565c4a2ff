#include "status.h"

namespace cpjit::jit {

const char *error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kOutOfMemory: return "out of memory";
    case ErrorCode::kCodeMemoryExhausted: return "code memory exhausted";
    case ErrorCode::kOutOfRange: return "out of range";
    case ErrorCode::kOperandTooWide: return "operand too wide";
    case ErrorCode::kInvalidTrace: return "invalid trace";
    case ErrorCode::kUnresolvedSymbol: return "unresolved symbol";
    case ErrorCode::kInvalidStencilSet: return "invalid stencil set";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kSystem: return "system error";
  }
  return "unknown error";
}

Status make_error(ErrorCode code, std::string message) {
  Status s;
  s.code_ = code;
  s.message_ = std::move(message);
  return s;
}

}  // namespace cpjit::jit
