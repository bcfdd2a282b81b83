#pragma once
// FFmpeg's enum fields read as the ints they are stored as. Demuxers and decoders copy some codes from
// the file unchecked (MPEG-4 Part 2's colour description, Matroska's Colour elements), so a codecpar or
// frame field can hold a value outside its enum: the fuzzer found colour primaries of 205. Loading such
// a field as the enum is undefined behaviour, so the colour and field-order fields of streams and
// decoded frames are only ever compared through stored_code.

#include <cstring>

namespace pressreel::media {

template <typename Enum>
int stored_code(const Enum& field) {
  static_assert(sizeof(Enum) == sizeof(int));
  int code = 0;
  std::memcpy(&code, &field, sizeof code);
  return code;
}

}  // namespace pressreel::media
