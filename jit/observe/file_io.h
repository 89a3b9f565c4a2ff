// File writing shared by the observers that write files (dump files, the jitdump).
#pragma once

#include <cstddef>
#include <string>

#include "status.h"

namespace cpjit::jit::observe {

// kSystem: "<what> <path>: <strerror(err)>".
Status system_error(const std::string &what, const std::string &path, int err);
// Writes all `size` bytes to `fd`, retrying after interrupts and short writes.
Status write_all(int fd, const void *data, size_t size, const std::string &path);

}  // namespace cpjit::jit::observe
