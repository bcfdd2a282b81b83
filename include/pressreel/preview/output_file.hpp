#pragma once
// Preview files are written under a temporary name in their folder and renamed into place only
// when complete, so a crash never leaves a truncated preview-720p.mp4 behind. The temporary names
// are the io layer's (io/atomic_file.hpp), so a rerun recognises and removes leftovers.

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

// An animated WebP, which FFmpeg cannot read back, described from its RIFF chunks: file, container,
// size, canvas, the frames in the file (libwebp merges a frame identical to the one before into it)
// and the sum of their durations. A file of one frame is a still picture, with no duration of its
// own: `still_seconds` is given for it. Throws std::runtime_error when the file is not a WebP.
nlohmann::json describe_webp(const std::filesystem::path& path, double still_seconds);

}  // namespace pressreel::preview
