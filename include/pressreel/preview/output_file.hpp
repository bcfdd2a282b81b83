#pragma once
// Preview files are written under a temporary name in their folder and renamed into place only
// when complete, so a crash never leaves a truncated preview-720p.mp4 behind. The temporary names
// are the batch layer's (batch/atomic_file.hpp), so a rerun recognises and removes leftovers.

#include <filesystem>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace pressreel::preview {

class OutputFile {
 public:
  OutputFile(const std::filesystem::path& folder, const std::string& name);
  ~OutputFile();  // removes the temporary file unless committed
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  const std::filesystem::path& temporary() const { return temporary_; }
  const std::filesystem::path& final_path() const { return final_; }
  // Renames the finished temporary file into place.
  void commit();

 private:
  std::filesystem::path temporary_, final_;
  bool committed_ = false;
};

// What a written preview is, read back with libav: file, container, size, bit rate, duration, and
// per stream codec, profile, picture size and pixel format or sample rate and channels.
nlohmann::json describe_output(const std::filesystem::path& path);

}  // namespace pressreel::preview
