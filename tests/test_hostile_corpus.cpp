// A seeded corpus of broken and hostile clips through `pressreel run`: nothing crashes, nothing hangs,
// every clip is either processed or reported with its cause (manifest and run report), the good
// clips complete with all their outputs, and nothing is written outside OUT.
//
// The corpus is generated from a fixed seed, printed below; PRESSREEL_CORPUS_SEED=N replays another.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "io/atomic_file.hpp"
#include "test_support.hpp"

namespace {

using pressreel::testing::ffmpeg;
using pressreel::testing::make_test_clip;
using pressreel::testing::TempDir;
namespace fs = std::filesystem;
using Bytes = std::string;

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& p, const Bytes& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

void put_le32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(at + i) = static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_be32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(at + i) = static_cast<char>((v >> (8 * (3 - i))) & 0xff);
}

uint32_t be32(const Bytes& b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b.at(at + i));
  return v;
}

size_t find_tag(const Bytes& b, const char* tag) {
  const size_t at = b.find(tag);
  if (at == Bytes::npos) throw std::runtime_error(std::string("no ") + tag + " in the sample");
  return at;
}

// An AVI (rawvideo) whose headers claim another picture size or frame count than its data has.
Bytes avi_claiming(Bytes avi, std::optional<std::pair<uint32_t, uint32_t>> size, std::optional<uint32_t> frames) {
  const size_t avih = find_tag(avi, "avih") + 8, strh = find_tag(avi, "strh") + 8, strf = find_tag(avi, "strf") + 8;
  if (size) {
    put_le32(avi, avih + 32, size->first);  // dwWidth, dwHeight
    put_le32(avi, avih + 36, size->second);
    put_le32(avi, strf + 4, size->first);  // BITMAPINFOHEADER biWidth, biHeight
    put_le32(avi, strf + 8, size->second);
  }
  if (frames) {
    put_le32(avi, avih + 16, *frames);  // dwTotalFrames
    put_le32(avi, strh + 32, *frames);  // dwLength
  }
  return avi;
}

// An MP4 whose movie, track, media and edit durations all claim `seconds` (version-0 boxes).
Bytes mp4_claiming_duration(Bytes mp4, uint32_t seconds) {
  const size_t mvhd = find_tag(mp4, "mvhd") + 4;
  const uint32_t movie_scale = be32(mp4, mvhd + 12);
  put_be32(mp4, mvhd + 16, seconds * movie_scale);
  put_be32(mp4, find_tag(mp4, "tkhd") + 4 + 20, seconds * movie_scale);
  const size_t mdhd = find_tag(mp4, "mdhd") + 4;
  put_be32(mp4, mdhd + 16, seconds * be32(mp4, mdhd + 12));
  if (const size_t elst = mp4.find("elst"); elst != Bytes::npos) put_be32(mp4, elst + 12, seconds * movie_scale);
  return mp4;
}

enum class Outcome { ok, failed, ok_or_failed, skipped };

struct Sample {
  std::string file;
  Outcome expect;
  std::string cause;  // a part of the error (or skip reason) when it is known for sure
  std::string stage;  // the failing stage, when it is known for sure
};

// Every file under `root` with its size and modification time: what "nothing was written" compares.
std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> snapshot(const fs::path& root) {
  std::map<std::string, std::pair<uintmax_t, fs::file_time_type>> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    files[e.path().string()] = {e.is_regular_file() ? e.file_size() : 0, e.last_write_time()};
  }
  return files;
}

class HostileCorpus : public ::testing::Test {
 protected:
  // Writes the corpus into in/<film>/ and returns what each sample should come to.
  std::vector<Sample> make_corpus(uint32_t seed) {
    std::mt19937 rng(seed);
    const fs::path scratch = dir_ / "scratch";
    fs::create_directories(scratch);
    fs::create_directories(film_);

    // Good clips (one with sound) and the bases the broken ones are made from.
    const std::vector<std::string> with_sound = {
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"};
    auto faststart = with_sound;
    faststart.insert(faststart.end(), {"-movflags", "+faststart"});
    ffmpeg(faststart, film_ / "good-with-sound.mp4");
    make_test_clip(film_ / "good.mkv", 50, "25");
    ffmpeg(faststart, scratch / "base.mp4");
    ffmpeg(with_sound, scratch / "moov-at-end.mp4");
    make_test_clip(scratch / "base.mkv", 50, "25");
    make_test_clip(scratch / "base.ts", 50, "25");
    const Bytes mp4 = read_bytes(scratch / "base.mp4"), mkv = read_bytes(scratch / "base.mkv"),
                ts = read_bytes(scratch / "base.ts"), moov_at_end = read_bytes(scratch / "moov-at-end.mp4");

    std::vector<Sample> samples = {{"good-with-sound.mp4", Outcome::ok, "", ""}, {"good.mkv", Outcome::ok, "", ""}};
    // What is left of a clip cut short can be shorter than a second (and than a teaser piece): still a clip.
    make_test_clip(film_ / "eleven-frames.mkv", 11, "25");
    samples.push_back({"eleven-frames.mkv", Outcome::ok, "", ""});
    // Truncated at random points: what is left may decode (a shorter clip) or not at all.
    std::uniform_real_distribution<double> cut_at(0.05, 0.95);
    const auto truncated = [&](const Bytes& b) { return b.substr(0, static_cast<size_t>(cut_at(rng) * b.size())); };
    for (const auto& [name, base] : {std::pair{"truncated-1.mp4", &mp4}, {"truncated-2.mp4", &mp4},
                                     {"truncated-3.mp4", &mp4}, {"truncated-1.mkv", &mkv}, {"truncated-2.mkv", &mkv},
                                     {"truncated.ts", &ts}}) {
      write_bytes(film_ / name, truncated(*base));
      samples.push_back({name, Outcome::ok_or_failed, "", ""});
    }
    // The index (moov) of this one is at the end: cut off, nothing can be found in the data.
    write_bytes(film_ / "truncated-index.mp4", moov_at_end.substr(0, moov_at_end.size() / 2));
    samples.push_back({"truncated-index.mp4", Outcome::failed, "", ""});
    // Random byte flips anywhere (headers included).
    std::uniform_int_distribution<int> flip(1, 255);
    for (const auto& [name, base] : {std::pair{"flipped.mp4", &mp4}, {"flipped.mkv", &mkv}, {"flipped.ts", &ts}}) {
      Bytes b = *base;
      std::uniform_int_distribution<size_t> where(0, b.size() - 1);
      for (int i = 0; i < 24; ++i) b[where(rng)] ^= static_cast<char>(flip(rng));
      write_bytes(film_ / name, b);
      samples.push_back({name, Outcome::ok_or_failed, "", ""});
    }
    Bytes zeroed = mkv;
    std::fill_n(zeroed.begin(), 4096, '\0');
    write_bytes(film_ / "zeroed-header.mkv", zeroed);
    samples.push_back({"zeroed-header.mkv", Outcome::failed, "", ""});
    write_bytes(film_ / "empty.mp4", "");
    samples.push_back({"empty.mp4", Outcome::failed, "empty file (0 bytes)", "probe"});
    write_bytes(film_ / "notes.mp4", "These are the director's notes, not a video.\nSee you at the premiere.\n");
    samples.push_back({"notes.mp4", Outcome::failed, "", "probe"});

    // Images are not clips: listed as skipped with the reason, even under a video name.
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"}, film_ / "poster.jpg");
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"}, scratch / "frame.png");
    fs::copy_file(scratch / "frame.png", film_ / "still.mp4");
    samples.push_back({"poster.jpg", Outcome::skipped, "", ""});  // image2: refused as a demuxer that opens other files
    samples.push_back({"still.mp4", Outcome::skipped, "still image", ""});

    ffmpeg({"-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac"}, film_ / "audio-only.mp4");
    samples.push_back({"audio-only.mp4", Outcome::failed, "audio only, no video stream", "probe"});
    std::ofstream(scratch / "subs.srt") << "1\n00:00:00,000 --> 00:00:01,500\nNo picture here.\n";
    ffmpeg({"-i", (scratch / "subs.srt").string()}, film_ / "subtitles-only.mkv");
    samples.push_back({"subtitles-only.mkv", Outcome::failed, "no video stream", "probe"});

    // Headers that lie. 65535x65535 is past what FFmpeg itself accepts (it drops the size);
    // 16000x12000 passes FFmpeg and stops at [limits]; five million frames at 25 fps are 55 hours.
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "10", "-c:v", "rawvideo", "-pix_fmt",
            "yuv420p"},
           scratch / "raw.avi");
    const Bytes avi = read_bytes(scratch / "raw.avi");
    write_bytes(film_ / "claims-65535x65535.avi", avi_claiming(avi, std::pair{65535u, 65535u}, std::nullopt));
    samples.push_back({"claims-65535x65535.avi", Outcome::failed, "", ""});
    write_bytes(film_ / "claims-16000x12000.avi", avi_claiming(avi, std::pair{16000u, 12000u}, std::nullopt));
    samples.push_back({"claims-16000x12000.avi", Outcome::failed, "[limits] max_frame_pixels", "limits"});
    write_bytes(film_ / "claims-5000000-frames.avi", avi_claiming(avi, std::nullopt, 5'000'000u));
    samples.push_back({"claims-5000000-frames.avi", Outcome::failed, "[limits] max_duration_seconds", "limits"});
    // Two hours claimed, two seconds there: within the limits, processed as the two seconds it has.
    write_bytes(film_ / "claims-2-hours.mp4", mp4_claiming_duration(mp4, 7200));
    samples.push_back({"claims-2-hours.mp4", Outcome::ok, "", ""});
    // One second of a program stream, then a 2 GiB hole of zeros (sparse): the probe would scan it for
    // a start code for minutes; it is cut off after stall_seconds.
    ffmpeg({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "25", "-c:v", "mpeg2video", "-f", "vob"},
           film_ / "hole.mpg");
    fs::resize_file(film_ / "hole.mpg", uintmax_t{2} << 30);
    samples.push_back({"hole.mpg", Outcome::failed, "watchdog", "probe"});
    return samples;
  }

  TempDir tmp_;
  const fs::path dir_ = tmp_.path();
  const fs::path film_ = dir_ / "in" / "Hostile Corpus";
};

const nlohmann::json* find_by_file(const nlohmann::json& list, const char* key, const std::string& file) {
  for (const auto& entry : list) {
    if (fs::path(entry[key].get<std::string>()).filename() == file) return &entry;
  }
  return nullptr;
}

// The JUnit test case of a clip: its text up to </testcase> or the self-closing tag.
std::string junit_case(const std::string& xml, const std::string& clip_slug) {
  const size_t at = xml.find(fmt::format("name=\"{}\"", clip_slug));
  if (at == std::string::npos) return {};
  const size_t end = std::min(xml.find("</testcase>", at), xml.find("<testcase", at + 1));
  return xml.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST_F(HostileCorpus, EveryClipIsProcessedOrReportedWithItsCauseAndNothingCrashesHangsOrLeaksOut) {
  uint32_t seed = 20260909;
  if (const char* env = std::getenv("PRESSREEL_CORPUS_SEED")) seed = static_cast<uint32_t>(std::stoul(env));
  std::cout << "hostile corpus seed: " << seed << " (replay with PRESSREEL_CORPUS_SEED=" << seed << ")\n";
  SCOPED_TRACE(fmt::format("corpus seed {}", seed));
  RecordProperty("corpus_seed", static_cast<int>(seed));
  const std::vector<Sample> samples = make_corpus(seed);

  // The watchdog's allowance is short so the hole costs seconds, not minutes; everything else is default.
  std::ofstream(dir_ / "corpus.toml") << "[limits]\nstall_seconds = 5.0\n";
  const auto input_before = snapshot(dir_ / "in");
  std::string stdout_text;
  const int rc = pressreel::testing::run_command(
      fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json --report '{}'", pressreel::testing::cli(),
                  (dir_ / "in").string(), (dir_ / "out").string(), (dir_ / "corpus.toml").string(),
                  (dir_ / "report.xml").string()),
      &stdout_text);
  ASSERT_EQ(rc, 1) << "1 = some clips failed, the others completed (a crash or usage error is not 1)\n" << stdout_text;
  const auto report = nlohmann::json::parse(stdout_text);
  std::ifstream junit_in(dir_ / "report.xml");
  const std::string junit{std::istreambuf_iterator<char>(junit_in), {}};

  // Every sample is a clip of the report or a skipped file, never lost.
  EXPECT_EQ(report["clips"].size() + report["skipped"].size(), samples.size()) << report.dump(2);
  for (const Sample& sample : samples) {
    SCOPED_TRACE(sample.file);
    if (sample.expect == Outcome::skipped) {
      const auto* skipped = find_by_file(report["skipped"], "path", sample.file);
      ASSERT_NE(skipped, nullptr) << "not listed as skipped";
      EXPECT_FALSE((*skipped)["reason"].get<std::string>().empty());
      EXPECT_NE((*skipped)["reason"].get<std::string>().find(sample.cause), std::string::npos) << *skipped;
      continue;
    }
    const auto* clip = find_by_file(report["clips"], "source", sample.file);
    ASSERT_NE(clip, nullptr) << "missing from the run report";
    const std::string status = (*clip)["status"];
    if (sample.expect == Outcome::ok) {
      EXPECT_EQ(status, "ok") << *clip;
    } else if (sample.expect == Outcome::failed) {
      EXPECT_EQ(status, "failed") << *clip;
    }
    ASSERT_TRUE(status == "ok" || status == "failed") << *clip;

    const fs::path folder = dir_ / "out" / (*clip)["film"].get<std::string>() / (*clip)["clip"].get<std::string>();
    std::ifstream manifest_in(folder / "manifest.json");
    ASSERT_TRUE(manifest_in) << "no manifest";
    const auto manifest = nlohmann::json::parse(manifest_in);
    EXPECT_EQ(manifest["status"], status);
    const std::string test_case = junit_case(junit, (*clip)["clip"]);
    EXPECT_FALSE(test_case.empty()) << "missing from the JUnit report";
    if (status == "failed") {
      const std::string error = (*clip)["error"];
      EXPECT_FALSE(error.empty());
      EXPECT_EQ(manifest["error"]["message"], error);
      EXPECT_NE(error.find(sample.cause), std::string::npos) << error;
      if (!sample.stage.empty()) {
        EXPECT_EQ((*clip)["stage"], sample.stage) << error;
      }
      EXPECT_NE(test_case.find("<failure message=\""), std::string::npos) << test_case;
      EXPECT_EQ(test_case.find("<failure message=\"\""), std::string::npos) << test_case;
    } else {
      // Processed: at least its shots, and whatever the manifest lists is there.
      std::ifstream scenes_in(folder / "scenes.json");
      ASSERT_TRUE(scenes_in) << "ok without scenes.json";
      EXPECT_GE(manifest["outputs"]["scenes"]["shots"].get<int>(), 1);
      EXPECT_GE(manifest["decode"]["frames"].get<int>(), 1);
    }
  }

  // The good clips have every output of the recipe.
  for (const std::string clip : {"good-with-sound", "good"}) {
    SCOPED_TRACE(clip);
    const fs::path folder = dir_ / "out" / "hostile-corpus" / clip;
    for (const char* file : {"scenes.json", "scenes.csv", "scenes.edl", "chapters.vtt", "contact-sheet.jpg",
                             "storyboard.vtt", "storyboard.json", "teaser.mp4", "teaser.webp"}) {
      EXPECT_TRUE(fs::is_regular_file(folder / file)) << file;
    }
    EXPECT_FALSE(fs::is_empty(folder / "stills"));
    EXPECT_FALSE(fs::is_empty(folder / "poster"));
    int previews = 0;
    for (const auto& e : fs::directory_iterator(folder)) previews += e.path().filename().string().starts_with("preview-");
    EXPECT_GE(previews, 1);
  }
  // Two seconds were there, not two hours.
  const auto long_claim = nlohmann::json::parse(std::ifstream(dir_ / "out" / "hostile-corpus" / "claims-2-hours" / "manifest.json"));
  EXPECT_LT(long_claim["decode"]["duration_seconds"].get<double>(), 2.5);

  // Nothing outside OUT: the input is untouched, no stray file next to it, no temporary left in OUT.
  EXPECT_EQ(snapshot(dir_ / "in"), input_before);
  std::set<std::string> top;
  for (const auto& e : fs::directory_iterator(dir_)) top.insert(e.path().filename().string());
  EXPECT_EQ(top, (std::set<std::string>{"corpus.toml", "in", "out", "report.xml", "scratch"}));
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "out")) {
    EXPECT_FALSE(pressreel::io::is_temporary_name(e.path())) << e.path();
  }
}

}  // namespace
