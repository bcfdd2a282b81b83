#pragma once
// Reading written previews back with libav, as a player or a CDN would see them.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <webp/demux.h>

#include "pressreel/media/av_ptr.hpp"
#include "pressreel/media/input.hpp"

namespace pressreel::testing {

// Top-level MP4 box types in file order ("ftyp", "moov", "mdat"...).
inline std::vector<std::string> top_level_boxes(const std::filesystem::path& path) {
  std::vector<std::string> boxes;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return boxes;
  unsigned char header[16];
  while (std::fread(header, 1, 8, f) == 8) {
    uint64_t size = (uint64_t{header[0]} << 24) | (uint64_t{header[1]} << 16) | (uint64_t{header[2]} << 8) | header[3];
    boxes.emplace_back(reinterpret_cast<char*>(header + 4), 4);
    uint64_t header_size = 8;
    if (size == 1) {  // 64-bit size follows
      if (std::fread(header + 8, 1, 8, f) != 8) break;
      size = 0;
      for (int i = 8; i < 16; ++i) size = (size << 8) | header[i];
      header_size = 16;
    }
    if (size == 0) break;  // to the end of the file
    if (std::fseek(f, static_cast<long>(size - header_size), SEEK_CUR) != 0) break;
  }
  std::fclose(f);
  return boxes;
}

struct VideoPackets {
  std::vector<double> times;          // presentation times in seconds, sorted
  std::vector<double> keyframe_times; // of keyframe packets, sorted
};

inline VideoPackets read_video_packets(const std::filesystem::path& path) {
  VideoPackets out;
  media::FormatContextPtr input = media::open_input(path);
  const int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0) return out;
  const AVRational tb = input->streams[index]->time_base;
  media::PacketPtr packet = media::make_packet();
  while (av_read_frame(input.get(), packet.get()) >= 0) {
    if (packet->stream_index == index && packet->pts != AV_NOPTS_VALUE) {
      const double t = packet->pts * av_q2d(tb);
      out.times.push_back(t);
      if (packet->flags & AV_PKT_FLAG_KEY) out.keyframe_times.push_back(t);
    }
    av_packet_unref(packet.get());
  }
  std::sort(out.times.begin(), out.times.end());
  std::sort(out.keyframe_times.begin(), out.keyframe_times.end());
  return out;
}

// An animated WebP decoded as a browser shows it (FFmpeg cannot decode animated WebP).
struct WebpAnimation {
  bool read = false;
  int width = 0, height = 0, loop_count = -1;
  std::vector<int> end_ms;      // when each frame stops showing, from the start
  std::vector<cv::Mat> frames;  // BGR, the whole canvas
};

inline WebpAnimation read_webp_animation(const std::filesystem::path& path) {
  WebpAnimation out;
  std::vector<char> bytes;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char chunk[65536];
    for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) bytes.insert(bytes.end(), chunk, chunk + n);
    std::fclose(f);
  }
  const WebPData data = {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()};
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) return out;
  options.color_mode = MODE_BGRA;
  WebPAnimDecoder* decoder = WebPAnimDecoderNew(&data, &options);
  if (decoder == nullptr) return out;
  WebPAnimInfo info;
  WebPAnimDecoderGetInfo(decoder, &info);
  out.width = static_cast<int>(info.canvas_width);
  out.height = static_cast<int>(info.canvas_height);
  out.loop_count = static_cast<int>(info.loop_count);
  out.read = true;
  while (WebPAnimDecoderHasMoreFrames(decoder)) {
    uint8_t* pixels = nullptr;
    int timestamp = 0;
    if (!WebPAnimDecoderGetNext(decoder, &pixels, &timestamp)) {
      out.read = false;
      break;
    }
    cv::Mat bgra(out.height, out.width, CV_8UC4, pixels), bgr;
    cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
    out.frames.push_back(bgr);
    out.end_ms.push_back(timestamp);
  }
  WebPAnimDecoderDelete(decoder);
  return out;
}

}  // namespace pressreel::testing
