#pragma once
// Probing a clip held in memory (an upload, a fuzzer's input) with the same hardening as a file.

#include <cstdint>
#include <span>
#include <string>

#include "pressreel/media/input.hpp"
#include "pressreel/media/probe.hpp"

namespace pressreel::media {

// Demuxes `bytes` through a read-only in-memory AVIOContext and returns what probe(path) would for a
// file holding them (`name` stands in for the path; size_bytes is the buffer's size). The container is
// guessed from the bytes alone, refused demuxers stay refused unless the policy allows them, and no
// protocol can be opened at all, so a playlist or a reference movie cannot reach files or the network.
// Throws MediaError(name, "open" or "probe", cause) as open_input does.
ProbeResult probe_buffer(std::span<const std::uint8_t> bytes, const std::string& name, const InputPolicy& policy = {});

}  // namespace pressreel::media
