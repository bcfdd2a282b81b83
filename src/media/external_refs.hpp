#pragma once
// QuickTime/MP4 tracks whose samples live in another file (data references, ISO/IEC 14496-12
// 8.7.2): FFmpeg does not follow them, and pressreel refuses such clips with that cause instead of
// failing later with "no frame could be decoded".

#include <filesystem>
#include <optional>
#include <string>

namespace pressreel::media {

// Why `path` (a QuickTime/MP4 file) needs another file, e.g. "track 1's samples are in another
// file (data reference 'alis')", or nothing when every track is self-contained. Reads only box
// headers and the data reference boxes; a malformed file gives nothing (the demuxer judges it).
std::optional<std::string> external_data_reference(const std::filesystem::path& path);

}  // namespace pressreel::media
