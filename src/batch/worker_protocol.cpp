#include "worker_protocol.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "batch/input_key.hpp"

namespace pressreel::batch::worker_protocol {

using nlohmann::json;

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void Fd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Pipe make_pipe() {
  int fds[2];
  // Close-on-exec: a worker started by another clip's thread at the same moment must not inherit this
  // pipe, or its reader would never see the end of it.
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  return {Fd(fds[0]), Fd(fds[1])};
}

void write_message(int fd, const json& message) {
  const std::vector<uint8_t> body = json::to_msgpack(message);
  const auto size = static_cast<uint32_t>(body.size());
  std::vector<uint8_t> bytes = {static_cast<uint8_t>(size), static_cast<uint8_t>(size >> 8),
                                static_cast<uint8_t>(size >> 16), static_cast<uint8_t>(size >> 24)};
  bytes.insert(bytes.end(), body.begin(), body.end());
  // One write for a short message: stages reported from two threads at once never interleave.
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "writing to the clip's supervisor");
    done += static_cast<size_t>(n);
  }
}

std::optional<json> MessageReader::next() {
  if (buffer_.size() < 4) return std::nullopt;
  const uint32_t size =
      uint32_t{buffer_[0]} | uint32_t{buffer_[1]} << 8 | uint32_t{buffer_[2]} << 16 | uint32_t{buffer_[3]} << 24;
  if (buffer_.size() < 4 + size_t{size}) return std::nullopt;
  json message = json::from_msgpack(buffer_.begin() + 4, buffer_.begin() + 4 + size);
  buffer_.erase(buffer_.begin(), buffer_.begin() + 4 + size);
  return message;
}

json request(const FilmSource& film, const ClipSource& clip, const Recipe& recipe, const ClipJobOptions& options,
             int log_level) {
  const FilmInfo& info = film.info;
  return {{"out", options.out.string()},
          {"decoder_threads", options.decoder_threads},
          {"force", options.force},
          {"log_level", log_level},
          // The worker loads the recipe file again; the key proves it is the one the batch runs.
          {"recipe", {{"source", recipe.source.string()}, {"key", text_hash(recipe.effective().dump())}}},
          {"film",
           {{"folder", film.folder.string()},
            {"name", film.name},
            {"slug", film.slug},
            {"info",
             {{"title", info.title},
              {"year", info.year},
              {"director", info.director},
              {"distributor", info.distributor},
              {"release_date", info.release_date},
              {"warnings", info.warnings}}}}},
          {"clip",
           {{"path", clip.path.string()},
            {"name", clip.name},
            {"slug", clip.slug},
            {"probed", clip.probe.has_value()},
            {"error", clip.error}}}};
}

FilmSource film_from(const json& request) {
  const json& f = request.at("film");
  const json& info = f.at("info");
  FilmSource film;
  film.folder = f.at("folder").get<std::string>();
  film.name = f.at("name").get<std::string>();
  film.slug = f.at("slug").get<std::string>();
  film.info = {info.at("title"),       info.at("year"),         info.at("director"),
               info.at("distributor"), info.at("release_date"), info.at("warnings").get<std::vector<std::string>>()};
  const json& c = request.at("clip");
  ClipSource clip;
  clip.path = c.at("path").get<std::string>();
  clip.name = c.at("name").get<std::string>();
  clip.slug = c.at("slug").get<std::string>();
  clip.error = c.at("error").get<std::string>();
  film.clips.push_back(std::move(clip));
  return film;
}

json to_message(const ClipOutcome& outcome) {
  return {{"outcome",
           {{"film", outcome.film_slug},
            {"clip", outcome.clip_slug},
            {"source", outcome.source.string()},
            {"ok", outcome.ok},
            {"skipped", outcome.skipped},
            {"stage", outcome.stage},
            {"error", outcome.error},
            {"seconds", outcome.seconds},
            {"manifest", outcome.manifest_path.string()}}}};
}

ClipOutcome outcome_from(const json& message) {
  const json& o = message.at("outcome");
  ClipOutcome outcome;
  outcome.film_slug = o.at("film").get<std::string>();
  outcome.clip_slug = o.at("clip").get<std::string>();
  outcome.source = o.at("source").get<std::string>();
  outcome.ok = o.at("ok").get<bool>();
  outcome.skipped = o.at("skipped").get<bool>();
  outcome.stage = o.at("stage").get<std::string>();
  outcome.error = o.at("error").get<std::string>();
  outcome.seconds = o.at("seconds").get<double>();
  outcome.manifest_path = o.at("manifest").get<std::string>();
  return outcome;
}

}  // namespace pressreel::batch::worker_protocol
