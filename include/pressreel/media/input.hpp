#pragma once
// Opening an untrusted clip: local files only, no demuxer that opens other files or URLs.

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "pressreel/media/av_ptr.hpp"

namespace pressreel::media {

struct InputPolicy {
  // Demuxers normally refused (playlists, concat lists, image sequences...) that a recipe allows.
  std::vector<std::string> allow_demuxers;
  // Set from another thread to abort blocking reads (the per-clip watchdog uses it).
  const std::atomic<bool>* cancel = nullptr;
};

// Demuxers that open other files or URLs named inside the input; refused unless allowed.
const std::vector<std::string>& refused_demuxers();

// Throws MediaError(clip, "open", ...) when `format` is a refused demuxer that `policy` does not allow.
void check_demuxer_allowed(const AVInputFormat* format, const std::string& clip, const InputPolicy& policy);

// An interrupt callback that aborts blocking reads once `policy.cancel` is set.
AVIOInterruptCB make_interrupt(const InputPolicy& policy);

// Opens `path` for demuxing with the protocol whitelist "file" and stream info read.
// Throws MediaError(stage "open") naming the cause: missing, empty, unrecognised, refused demuxer.
FormatContextPtr open_input(const std::filesystem::path& path, const InputPolicy& policy = {});

// True when the demuxer reads still images rather than a video (image2, *_pipe).
bool is_image_demuxer(const AVInputFormat* format);

}  // namespace pressreel::media
