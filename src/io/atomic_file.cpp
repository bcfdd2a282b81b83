#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

namespace pressreel::io {
namespace {

constexpr std::string_view temp_marker = ".tmp-";

[[noreturn]] void fail(const std::filesystem::path& path, std::string_view what, int err) {
  throw std::runtime_error(fmt::format("{}: {}: {}", path.string(), what, std::strerror(err)));
}

// RAII file descriptor: closed on every path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release_and_close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// 0, or the errno of a failed open/fsync: a full disk may only show when the data is flushed.
int sync_file(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno;
  return ::fsync(fd.get()) == 0 ? 0 : errno;
}

}  // namespace

std::filesystem::path temporary_path_for(const std::filesystem::path& final_path) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string name = fmt::format(".{}{}{:012x}", final_path.filename().string(), temp_marker, rng() & 0xffffffffffffULL);
  return final_path.parent_path() / name;
}

bool is_temporary_name(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.size() > 1 && name[0] == '.' && name.find(temp_marker) != std::string::npos;
}

void commit_file(const std::filesystem::path& temporary, const std::filesystem::path& final_path) {
  auto discard = [&](std::string_view what, int err) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail(final_path, what, err);
  };
  if (const int err = sync_file(temporary); err != 0) discard("sync", err);
  if (::rename(temporary.c_str(), final_path.c_str()) != 0) discard("rename", errno);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) throw std::runtime_error(fmt::format("{}: create folder: {}", path.parent_path().string(), ec.message()));
  const std::filesystem::path temporary = temporary_path_for(path);
  FileDescriptor fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail(path, "create", errno);
  auto discard = [&](std::string_view what, int err) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail(path, what, err);
  };
  for (size_t written = 0; written < bytes.size();) {
    const ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) discard("write", errno);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) discard("sync", errno);
  if (fd.release_and_close() != 0) discard("close", errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) discard("rename", errno);
}

std::string json_text(const nlohmann::json& json, int indent) {
  return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_json_atomic(const std::filesystem::path& path, const nlohmann::json& json) {
  write_file_atomic(path, json_text(json) + "\n");
}

int remove_temporary_files(const std::filesystem::path& folder) {
  int removed = 0;
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) return 0;
  for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!is_temporary_name(it->path())) continue;
    std::error_code ignored;
    if (it->is_regular_file(ec)) {
      if (std::filesystem::remove(it->path(), ignored)) ++removed;
    } else if (it->is_directory(ec)) {
      // A folder built whole and renamed into place (the stream's segments): what is in it has
      // ordinary names, so it goes as a whole, and the walk does not enter it.
      it.disable_recursion_pending();
      if (std::filesystem::remove_all(it->path(), ignored) > 0) ++removed;
    }
  }
  return removed;
}

}  // namespace pressreel::io
