// What pressreel reads back from OUT: a clip's manifest.json (and a scenes.json beside it) feeds the
// incremental-run key, the catalog with the film's poster and contact sheet, and the gallery pages.
// OUT may hold a manifest from an older version, a hand edit or a half-copied shard: whatever it
// holds, none of these may crash or throw; a manifest they cannot use is left out with a warning.
//
// Each input is written to <tmp>/out/film/clip/ (a folder made once, on /dev/shm when there is one,
// since the catalog and the gallery write files with fsync) and the real readers run over it.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "pressreel/batch/catalog.hpp"
#include "pressreel/batch/gallery.hpp"
#include "batch/input_key.hpp"

namespace {

namespace fs = std::filesystem;

fs::path make_out_folder() {
  const fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
  const fs::path out = base / ("pressreel-fuzz-manifest-" + std::to_string(::getpid())) / "out";
  fs::create_directories(out / "film" / "clip");
  return out;
}

const fs::path& out_folder() {
  static const fs::path out = make_out_folder();
  return out;
}

void remove_out_folder() {
  std::error_code ec;
  fs::remove_all(out_folder().parent_path(), ec);
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  (void)out_folder();
  std::atexit(remove_out_folder);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const fs::path& out = out_folder();
  const fs::path clip = out / "film" / "clip";
  write_text(clip / "manifest.json", text);
  write_text(clip / "scenes.json", text);

  (void)pressreel::batch::recorded_key(clip / "manifest.json");
  (void)pressreel::batch::write_catalog(out);
  (void)pressreel::batch::write_gallery(out);
  return 0;
}
