#include "stills/jpeg_codec.hpp"

// jpeglib.h needs size_t and FILE declared first.
#include <csetjmp>
#include <cstdio>
#include <new>
#include <stdexcept>
#include <string>

#include <jpeglib.h>
// After jpeglib.h: the message codes.
#include <jerror.h>

namespace pressreel::stills {
namespace {

// libjpeg reports errors through error_exit, which must not return. It jumps back to the setjmp of the
// call that started the work; those functions hold only objects declared before their setjmp, so no
// destructor is skipped.
struct JpegError {
  jpeg_error_mgr manager{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
};

[[noreturn]] void jump_on_error(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  info->err->format_message(info, error->message);
  std::longjmp(error->jump, 1);
}

void ignore_message(j_common_ptr) {}  // warnings (a corrupt-data note) are not worth a log line each

jpeg_error_mgr* install(JpegError& error) {
  jpeg_error_mgr* manager = jpeg_std_error(&error.manager);
  manager->error_exit = jump_on_error;
  manager->output_message = ignore_message;
  return manager;
}

// Compressed bytes straight into a vector, doubling it as libjpeg fills it.
struct VectorDestination {
  jpeg_destination_mgr manager{};
  std::vector<uint8_t>* bytes = nullptr;

  static VectorDestination& of(j_compress_ptr info) { return *reinterpret_cast<VectorDestination*>(info->dest); }

  static void init(j_compress_ptr info) {
    VectorDestination& d = of(info);
    grow(info, d, 0, 64 * 1024);
  }
  static boolean empty(j_compress_ptr info) {
    VectorDestination& d = of(info);
    const size_t used = d.bytes->size();
    grow(info, d, used, used * 2);
    return TRUE;
  }
  static void term(j_compress_ptr info) {
    VectorDestination& d = of(info);
    d.bytes->resize(d.bytes->size() - d.manager.free_in_buffer);
  }
  static void grow(j_compress_ptr info, VectorDestination& d, size_t used, size_t size) {
    try {
      d.bytes->resize(size);
    } catch (const std::bad_alloc&) {
      info->err->msg_code = JERR_OUT_OF_MEMORY;
      info->err->error_exit(reinterpret_cast<j_common_ptr>(info));
    }
    d.manager.next_output_byte = d.bytes->data() + used;
    d.manager.free_in_buffer = size - used;
  }
};

}  // namespace

std::vector<uint8_t> encode_jpeg(const cv::Mat& image, const JpegSettings& settings) {
  if (image.empty() || image.depth() != CV_8U || (image.channels() != 3 && image.channels() != 1)) {
    throw std::invalid_argument("jpeg: can only encode non-empty 8-bit BGR or gray images");
  }
  std::vector<uint8_t> bytes;
  jpeg_compress_struct info{};
  JpegError error;
  VectorDestination destination;
  info.err = install(error);
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_compress(&info);
    throw std::runtime_error(std::string("jpeg: cannot encode: ") + error.message);
  }
  jpeg_create_compress(&info);
  destination.bytes = &bytes;
  destination.manager.init_destination = VectorDestination::init;
  destination.manager.empty_output_buffer = VectorDestination::empty;
  destination.manager.term_destination = VectorDestination::term;
  info.dest = &destination.manager;

  info.image_width = static_cast<JDIMENSION>(image.cols);
  info.image_height = static_cast<JDIMENSION>(image.rows);
  info.input_components = image.channels();
  info.in_color_space = image.channels() == 3 ? JCS_EXT_BGR : JCS_GRAYSCALE;
  // The order cv::imencode sets them in: defaults, quality, then progression and Huffman optimisation.
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, settings.quality, TRUE);
  if (settings.progressive) jpeg_simple_progression(&info);
  if (settings.optimize) info.optimize_coding = TRUE;
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(image.ptr<uint8_t>(static_cast<int>(info.next_scanline)));
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return bytes;
}

namespace {

// The header's size and, when `pixels` is given, the BGR pixels shrunk by `scale_denominator`.
cv::Size read_jpeg(std::span<const uint8_t> bytes, int scale_denominator, cv::Mat* pixels) {
  jpeg_decompress_struct info{};
  JpegError error;
  info.err = install(error);
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_decompress(&info);
    throw std::runtime_error(std::string("jpeg: cannot decode: ") + error.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&info, TRUE);
  if (pixels != nullptr) {
    info.out_color_space = JCS_EXT_BGR;
    info.scale_num = 1;
    info.scale_denom = static_cast<unsigned>(scale_denominator);
    jpeg_start_decompress(&info);
    pixels->create(static_cast<int>(info.output_height), static_cast<int>(info.output_width), CV_8UC3);
    while (info.output_scanline < info.output_height) {
      JSAMPROW row = pixels->ptr<uint8_t>(static_cast<int>(info.output_scanline));
      jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
  }
  const cv::Size size(static_cast<int>(info.image_width), static_cast<int>(info.image_height));
  jpeg_destroy_decompress(&info);
  return size;
}

}  // namespace

cv::Mat decode_jpeg(std::span<const uint8_t> bytes, int scale_denominator) {
  cv::Mat image;
  read_jpeg(bytes, scale_denominator, &image);
  return image;
}

cv::Size jpeg_size(std::span<const uint8_t> bytes) {
  return read_jpeg(bytes, 1, nullptr);
}

}  // namespace pressreel::stills
