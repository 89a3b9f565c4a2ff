#include "file_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cpjit::jit::observe {

Status system_error(const std::string &what, const std::string &path, int err) {
  return make_error(ErrorCode::kSystem, what + " " + path + ": " + std::strerror(err));
}

Status write_all(int fd, const void *data, size_t size, const std::string &path) {
  const char *bytes = static_cast<const char *>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, bytes + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return system_error("cannot write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return ok_status();
}

}  // namespace cpjit::jit::observe
