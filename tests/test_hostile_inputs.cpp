// Inputs are local files only: playlists, concat lists, DASH manifests, SDP sessions and QuickTime
// external references that point at /etc/passwd, at a decoy file outside the input or at a listener
// on 127.0.0.1 are refused, and nothing they name is read or fetched.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "pressreel/media/error.hpp"
#include "pressreel/media/input.hpp"
#include "test_support.hpp"

namespace {

using pressreel::testing::cli;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
using pressreel::testing::read_text;
using pressreel::testing::write_text;
namespace fs = std::filesystem;
using nlohmann::json;

// A TCP listener on 127.0.0.1 that counts the connections made to it: proof that nothing was fetched.
class ConnectionRecorder {
 public:
  ConnectionRecorder() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ConnectionRecorder() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  ConnectionRecorder(const ConnectionRecorder&) = delete;
  ConnectionRecorder& operator=(const ConnectionRecorder&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      ++connections_;
      ::close(client);
    }
  }

  int fd_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// Counts opens of one file through inotify (no LD_PRELOAD, no strace): whoever opens it, we see it.
class OpenWatch {
 public:
  explicit OpenWatch(const fs::path& file) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (fd_ < 0 || ::inotify_add_watch(fd_, file.c_str(), IN_OPEN | IN_ACCESS) < 0) {
      throw std::runtime_error("cannot watch " + file.string());
    }
  }
  ~OpenWatch() { ::close(fd_); }
  OpenWatch(const OpenWatch&) = delete;
  OpenWatch& operator=(const OpenWatch&) = delete;

  int events() {
    alignas(inotify_event) char buf[4096];
    for (ssize_t n; (n = ::read(fd_, buf, sizeof buf)) > 0;) {
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
        ++events_;
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    return events_;
  }

 private:
  int fd_;
  int events_ = 0;
};



// A QuickTime movie whose video track's data reference is a Mac alias to `target`: the track's
// samples would be read from that file if external references were followed.
void make_external_reference_movie(const fs::path& out, const std::string& target) {
  const fs::path base = out.parent_path() / "base.mov";
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-frames:v", "10", "-c:v", "mpeg4"},
                             base);
  std::string movie = read_text(base);
  fs::remove(base);
  auto be32 = [&](size_t at) {
    return static_cast<uint32_t>(static_cast<unsigned char>(movie[at])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>(movie[at + 1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(movie[at + 2])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(movie[at + 3]));
  };
  auto put32 = [](std::string& s, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (24 - 8 * i));
  };
  // Path of boxes down to the data reference box, each with its offset (sizes are fixed up below).
  std::vector<size_t> chain;
  size_t begin = 0, end = movie.size();
  for (const std::string name : {"moov", "trak", "mdia", "minf", "dinf", "dref"}) {
    size_t at = begin;
    while (at + 8 <= end && movie.compare(at + 4, 4, name) != 0) at += be32(at);
    ASSERT_LT(at + 8, end) << "no " << name << " box in the generated movie";
    chain.push_back(at);
    begin = at + 8;
    end = at + be32(at);
  }
  // The alias record FFmpeg's mov demuxer parses: volume, file name, levels, then typed fields
  // (2 = absolute path), ended by type -1.
  std::string path = target;
  if (path.size() % 2 != 0) path += '\0';
  std::string alias(10 + 1 + 27 + 12, '\0');
  alias += static_cast<char>(6);
  alias += std::string("secret") + std::string(57, '\0');
  alias += std::string(16, '\0') + std::string("\0\1\0\1", 4) + std::string(16, '\0');
  alias += std::string("\0\2", 2) + static_cast<char>(path.size() >> 8) + static_cast<char>(path.size() & 0xff) + path;
  alias += std::string("\xff\xff\0\0", 4);
  std::string entry(12, '\0');
  put32(entry, 0, static_cast<uint32_t>(12 + alias.size()));
  entry.replace(4, 4, "alis");
  entry += alias;
  const size_t dref = chain.back();
  const size_t old_entries = be32(dref) - 16;  // after size, type, version/flags and entry count
  const auto delta = static_cast<uint32_t>(entry.size() - old_entries);
  movie.replace(dref + 16, old_entries, entry);
  for (const size_t at : chain) put32(movie, at, be32(at) + delta);
  write_text(out, movie);
}

// Every byte written under `folder`, so a test can assert a secret never reached any output.
std::string all_output(const fs::path& folder) {
  std::string text;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (e.is_regular_file()) text += read_text(e.path());
  }
  return text;
}

class HostileInputs : public ::testing::Test {
 protected:
  void SetUp() override {
    // The decoy lives outside the input folder; its first line looks like /etc/passwd's.
    write_text(decoy_, std::string(decoy_marker) + "\n");
    watch_ = std::make_unique<OpenWatch>(decoy_);
    const std::string http = fmt::format("http://127.0.0.1:{}", listener_.port());
    const std::string hls = fmt::format(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
        "#EXTINF:2.0,\n/etc/passwd\n#EXTINF:2.0,\nfile:///etc/passwd\n#EXTINF:2.0,\n{}\n"
        "#EXTINF:2.0,\n../../outside/secret.ts\n#EXTINF:2.0,\n{}/seg.ts\n#EXT-X-ENDLIST\n",
        decoy_.string(), http);
    write_text(film_ / "playlist.m3u8", hls);
    write_text(film_ / "hls-named.mp4", hls);
    write_text(film_ / "concat.mp4", fmt::format("ffconcat version 1.0\nfile /etc/passwd\nfile '{}'\nfile {}/x.mp4\n",
                                                 decoy_.string(), http));
    write_text(film_ / "dash.mp4",
               fmt::format("<?xml version=\"1.0\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\" "
                           "mediaPresentationDuration=\"PT2S\" minBufferTime=\"PT1S\" "
                           "profiles=\"urn:mpeg:dash:profile:isoff-on-demand:2011\">\n<Period><AdaptationSet "
                           "mimeType=\"video/mp4\"><Representation id=\"1\" bandwidth=\"1000\" width=\"320\" "
                           "height=\"240\" codecs=\"avc1.42c00d\"><BaseURL>{}/x.mp4</BaseURL></Representation>"
                           "</AdaptationSet></Period></MPD>\n",
                           http));
    write_text(film_ / "session.mp4",
               fmt::format("v=0\no=- 0 0 IN IP4 127.0.0.1\ns=clip\nc=IN IP4 127.0.0.1\nt=0 0\n"
                           "a=control:rtsp://127.0.0.1:{}/\nm=video {} RTP/AVP 96\na=rtpmap:96 H264/90000\n",
                           listener_.port(), listener_.port()));
    make_external_reference_movie(film_ / "external.mov", decoy_.string());
    pressreel::testing::make_test_clip(film_ / "good.mp4", 10, "25");
    // The instruments work: a connection and an open are seen.
    const int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(listener_.port()));
    ASSERT_EQ(::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(probe);
    for (int i = 0; i < 100 && listener_.connections() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_EQ(listener_.connections(), 1);
    EXPECT_EQ(read_text(decoy_).substr(0, 5), "root:");
    ASSERT_GT(watch_->events(), 0);
    decoy_events_ = watch_->events();
  }

  // Nothing connected to the listener, nobody opened the decoy, no secret in `text` or in OUT.
  void expect_nothing_leaked(const std::string& text) {
    EXPECT_EQ(listener_.connections(), 1) << "a crafted input made pressreel connect to 127.0.0.1";
    EXPECT_EQ(watch_->events(), decoy_events_) << "a crafted input made pressreel open " << decoy_;
    EXPECT_EQ(text.find(decoy_marker), std::string::npos);
    EXPECT_EQ(text.find("root:x:0:0"), std::string::npos);
    if (fs::exists(out_)) {
      const std::string written = all_output(out_);
      EXPECT_EQ(written.find(decoy_marker), std::string::npos);
      EXPECT_EQ(written.find("root:x:0:0"), std::string::npos);
    }
  }

  static constexpr const char* decoy_marker = "root:x:0:0:decoy-read-by-pressreel";
  TempDir dir_;
  ConnectionRecorder listener_;
  const fs::path decoy_ = dir_ / "outside/secret.ts";
  const fs::path film_ = dir_ / "in/hostile";
  const fs::path out_ = dir_ / "out";
  std::unique_ptr<OpenWatch> watch_;
  int decoy_events_ = 0;
};

TEST_F(HostileInputs, OpenInputRefusesDemuxersThatOpenOtherFilesOrUrls) {
  for (const auto& [file, demuxer] : std::vector<std::pair<std::string, std::string>>{{"playlist.m3u8", "hls"},
                                                                                      {"hls-named.mp4", "hls"},
                                                                                      {"concat.mp4", "concat"},
                                                                                      {"dash.mp4", "dash"},
                                                                                      {"session.mp4", "sdp"}}) {
    try {
      pressreel::media::open_input(film_ / file);
      ADD_FAILURE() << file << " was opened";
    } catch (const pressreel::media::MediaError& e) {
      EXPECT_EQ(e.stage(), "open") << file;
      EXPECT_NE(e.cause().find(fmt::format("refused demuxer '{}'", demuxer)), std::string::npos) << e.what();
    }
  }
  // A movie whose track's samples are in another file is refused with that cause.
  try {
    pressreel::media::open_input(film_ / "external.mov");
    ADD_FAILURE() << "external.mov was opened";
  } catch (const pressreel::media::MediaError& e) {
    EXPECT_NE(e.cause().find("track 0's samples are in another file (data reference 'alis')"), std::string::npos)
        << e.what();
  }
  // Such a movie without the reference opens.
  pressreel::testing::ffmpeg({"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-frames:v", "5", "-c:v", "mpeg4"},
                             dir_ / "self-contained.mov");
  EXPECT_NO_THROW(pressreel::media::open_input(dir_ / "self-contained.mov"));
  expect_nothing_leaked("");
}

TEST_F(HostileInputs, ProbeCommandReportsTheRefusal) {
  for (const auto& [file, demuxer] : std::vector<std::pair<std::string, std::string>>{{"playlist.m3u8", "hls"},
                                                                                      {"hls-named.mp4", "hls"},
                                                                                      {"concat.mp4", "concat"},
                                                                                      {"dash.mp4", "dash"},
                                                                                      {"session.mp4", "sdp"}}) {
    std::string text;
    EXPECT_EQ(run_command(fmt::format("{} probe --json '{}' 2>&1", cli(), (film_ / file).string()), &text), 1) << file;
    EXPECT_NE(text.find(fmt::format("refused demuxer '{}'", demuxer)), std::string::npos) << text;
    expect_nothing_leaked(text);
  }
  std::string text;
  run_command(fmt::format("{} probe --json '{}' 2>&1", cli(), (film_ / "external.mov").string()), &text);
  expect_nothing_leaked(text);
}

TEST_F(HostileInputs, RunFailsEachCraftedClipWithItsCauseAndFinishesTheOthers) {
  std::string summary_text;
  const std::string run = fmt::format("{} --quiet run '{}' -o '{}' --pipeline article --json 2>'{}'", cli(),
                                      (dir_ / "in").string(), out_.string(), (dir_ / "stderr.txt").string());
  EXPECT_EQ(run_command(run, &summary_text), 1);
  const json summary = json::parse(summary_text);
  std::map<std::string, json> clips;
  for (const auto& c : summary["clips"]) clips[c["clip"].get<std::string>()] = c;
  EXPECT_EQ(clips.at("good")["status"], "ok");
  for (const auto& [clip, demuxer] : std::vector<std::pair<std::string, std::string>>{
           {"hls-named", "hls"}, {"concat", "concat"}, {"dash", "dash"}, {"session", "sdp"}}) {
    EXPECT_EQ(clips.at(clip)["status"], "failed") << clip;
    EXPECT_EQ(clips.at(clip)["stage"], "probe") << clip;
    EXPECT_NE(clips.at(clip)["error"].get<std::string>().find(fmt::format("refused demuxer '{}'", demuxer)),
              std::string::npos)
        << clips.at(clip);
    // The clip's manifest says the same; the clip folder holds nothing but it and the gallery page.
    const fs::path manifest = out_ / "hostile" / clip / "manifest.json";
    EXPECT_EQ(json::parse(read_text(manifest))["status"], "failed");
    for (const auto& e : fs::directory_iterator(manifest.parent_path())) {
      EXPECT_TRUE(e.path() == manifest || e.path().filename() == "index.html") << e.path();
    }
  }
  // A playlist with its own extension is not a clip: listed as skipped, with the reason.
  bool playlist_listed = false;
  for (const auto& s : summary["skipped"]) {
    if (s["path"].get<std::string>().ends_with("playlist.m3u8")) {
      playlist_listed = s["reason"].get<std::string>().find("refused demuxer 'hls'") != std::string::npos;
    }
  }
  EXPECT_TRUE(playlist_listed) << summary["skipped"];
  // The external reference is never followed: the movie fails with that cause.
  EXPECT_EQ(clips.at("external")["status"], "failed") << clips.at("external");
  EXPECT_NE(clips.at("external")["error"].get<std::string>().find("samples are in another file"), std::string::npos)
      << clips.at("external");
  expect_nothing_leaked(summary_text + read_text(dir_ / "stderr.txt"));

  // Named on the command line, the playlist is a clip that fails, whatever its extension.
  const std::string named = fmt::format("{} --quiet run '{}' -o '{}' --pipeline article --json 2>/dev/null", cli(),
                                        (film_ / "playlist.m3u8").string(), (dir_ / "out-named").string());
  EXPECT_EQ(run_command(named, &summary_text), 1);
  const json one = json::parse(summary_text)["clips"].at(0);
  EXPECT_EQ(one["status"], "failed");
  EXPECT_NE(one["error"].get<std::string>().find("refused demuxer 'hls'"), std::string::npos) << one;
  expect_nothing_leaked(summary_text);
}

}  // namespace
