#include "pressreel/batch/discovery.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for_each.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "batch/slug.hpp"
#include "batch/watchdog.hpp"
#include "pressreel/media/error.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;

bool has_video_extension(const fs::path& path) {
  static const std::set<std::string> video = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg",
                                              ".ts",  ".m2ts", ".mts", ".mxf", ".wmv", ".flv", ".3gp", ".ogv",
                                              ".vob", ".dv",  ".y4m", ".hevc", ".h264", ".264", ".265"};
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return video.contains(ext);
}

bool inside(const fs::path& candidate, const fs::path& root) {
  const auto rel = candidate.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

struct Candidate {
  fs::path path;
  fs::path film_folder;
  fs::path root;  // the input folder it was found in
  bool named = false;  // given as an input itself: a clip (failing with the reason) even when it does not probe as one
};

class Finder {
 public:
  explicit Finder(const DiscoveryOptions& options) : options_(options) {
    for (const auto& folder : options.exclude) excluded_.insert(fs::weakly_canonical(fs::absolute(folder)));
  }

  void add_input(const fs::path& input) {
    std::error_code ec;
    const auto status = fs::status(input, ec);
    if (ec || !fs::exists(status)) throw std::invalid_argument(fmt::format("{}: no such file or folder", input.string()));
    if (fs::is_regular_file(status)) {
      const fs::path abs = fs::absolute(input).lexically_normal();
      candidates_.push_back({abs, abs.parent_path(), abs.parent_path(), true});
      return;
    }
    const fs::path root = fs::weakly_canonical(input);
    for (const auto& entry : sorted_entries(root)) {
      // The error_code forms throughout: a symlink loop's status is an error, and a throw here would
      // end discovery for the whole batch. accept() then skips it with its reason.
      if (entry.is_directory(ec)) {
        if (accept(entry.path(), root)) add_film_folder(entry.path(), root);
      } else {
        add_file(entry.path(), root, root);
      }
    }
  }

  WorkList finish() {
    WorkList work;
    std::sort(candidates_.begin(), candidates_.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    candidates_.erase(std::unique(candidates_.begin(), candidates_.end(),
                                  [](const auto& a, const auto& b) { return a.path == b.path; }),
                      candidates_.end());
    tbb::parallel_for_each(candidates_.begin(), candidates_.end(), [&](Candidate& c) { probe_one(c); });
    std::map<fs::path, FilmSource> films;
    std::set<std::string> film_slugs;
    for (auto& c : candidates_) {
      if (!probed_.at(c.path).keep && !c.named) {
        work.skipped.push_back({c.path, probed_.at(c.path).reason});
        continue;
      }
      auto [it, created] = films.try_emplace(c.film_folder);
      FilmSource& film = it->second;
      if (created) {
        film.folder = c.film_folder;
        film.name = c.film_folder.filename().string();
        // film.toml is read only where a clip would be: a symlink leaving the input is not followed.
        const fs::path film_toml = c.film_folder / "film.toml";
        film.info = read_film_info(leaves_input(film_toml, c.root) ? fs::path() : film_toml, film.name);
      }
      ClipSource clip;
      clip.path = c.path;
      clip.name = c.path.filename().string();
      clip.probe = std::move(probed_.at(c.path).probe);
      clip.error = probed_.at(c.path).reason;
      film.clips.push_back(std::move(clip));
    }
    for (auto& [folder, film] : films) {
      film.slug = unique_slug(film.name, film_slugs);
      std::sort(film.clips.begin(), film.clips.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
      std::set<std::string> clip_slugs;
      for (auto& clip : film.clips) clip.slug = unique_slug(clip.path.stem().string(), clip_slugs);
      work.films.push_back(std::move(film));
    }
    std::sort(work.films.begin(), work.films.end(), [](const auto& a, const auto& b) { return a.slug < b.slug; });
    work.skipped.insert(work.skipped.end(), early_skips_.begin(), early_skips_.end());
    std::sort(work.skipped.begin(), work.skipped.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return work;
  }

 private:
  struct Probed {
    bool keep = false;
    std::optional<media::ProbeResult> probe;
    std::string reason;
  };

  static std::vector<fs::directory_entry> sorted_entries(const fs::path& folder) {
    std::vector<fs::directory_entry> entries;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) entries.push_back(e);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });
    return entries;
  }

  // Hidden files, symlink loops and symlinks that leave the input are not followed.
  bool accept(const fs::path& path, const fs::path& root) {
    if (is_excluded(path)) return false;
    if (path.filename().string().starts_with(".")) {
      if (!io::is_temporary_name(path)) early_skips_.push_back({path, "hidden file"});
      return false;
    }
    if (is_symlink_loop(path)) {
      early_skips_.push_back({path, "symlink loop (too many levels of symbolic links; not followed)"});
      return false;
    }
    if (leaves_input(path, root)) {
      early_skips_.push_back({path, "symlink pointing outside the input folder (not followed)"});
      return false;
    }
    return true;
  }

  // loopA.mp4 -> loopB.mp4 -> loopA.mp4: no target at all, whatever the options say.
  static bool is_symlink_loop(const fs::path& path) {
    std::error_code ec;
    static_cast<void>(fs::status(path, ec));
    return ec == std::errc::too_many_symbolic_link_levels;
  }

  bool is_excluded(const fs::path& path) const {
    std::error_code ec;
    return !excluded_.empty() && fs::is_directory(path, ec) && excluded_.contains(fs::weakly_canonical(path, ec));
  }

  // A symlink whose target is outside `root`, unless the options follow those.
  bool leaves_input(const fs::path& path, const fs::path& root) const {
    std::error_code ec;
    if (options_.follow_symlinks_outside || !fs::is_symlink(fs::symlink_status(path, ec))) return false;
    const fs::path target = fs::weakly_canonical(path, ec);
    return ec || !inside(target, root);
  }

  void add_film_folder(const fs::path& folder, const fs::path& root) {
    std::error_code ec;
    const auto opts = fs::directory_options::skip_permission_denied;
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(folder, opts, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      std::error_code status_ec;
      const bool directory = it->is_directory(status_ec);
      if (!accept(it->path(), root)) {
        if (directory) it.disable_recursion_pending();
        continue;
      }
      if (!directory) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) add_file(f, folder, root, false);
  }

  void add_file(const fs::path& path, const fs::path& film_folder, const fs::path& root, bool check = true) {
    if (check && !accept(path, root)) return;
    if (path.filename() == "film.toml") return;
    candidates_.push_back({path, film_folder, root});
  }

  void probe_one(const Candidate& c) {
    Probed p;
    std::error_code ec;
    if (!fs::is_regular_file(c.path, ec)) {
      p.reason = "not a regular file";
    } else {
      try {
        // A damaged or crafted file can keep a demuxer scanning for gigabytes (a hole of zeros in a
        // program stream): the probe gets a time limit, and a cut-off probe is no probe.
        Watchdog watchdog({0, options_.probe_seconds, {}, options_.input.cancel});
        watchdog.enter("probe");
        media::InputPolicy input = options_.input;
        input.cancel = watchdog.cancel_flag();
        media::ProbeResult r = media::probe(c.path, input);
        watchdog.finish();
        if (auto trip = watchdog.tripped()) throw media::MediaError(c.path.string(), "probe", trip->cause);
        if (r.main_video() == nullptr) {
          p.reason = r.audio.empty() ? "no video stream" : "audio only, no video stream";
          p.keep = has_video_extension(c.path);
        } else if (r.container == "image2" || r.container.ends_with("_pipe")) {
          p.reason = "a still image, not a clip";
        } else {
          p.keep = true;
          p.probe = std::move(r);
        }
      } catch (const media::MediaError& e) {
        p.reason = e.cause();
        p.keep = has_video_extension(c.path);
      }
    }
    std::lock_guard lock(mutex_);
    probed_[c.path] = std::move(p);
  }

  const DiscoveryOptions& options_;
  std::vector<Candidate> candidates_;
  std::vector<SkippedFile> early_skips_;
  std::set<fs::path> excluded_;  // canonical
  std::mutex mutex_;
  std::map<fs::path, Probed> probed_;
};

}  // namespace

size_t WorkList::clip_count() const {
  size_t n = 0;
  for (const auto& f : films) n += f.clips.size();
  return n;
}

WorkList discover(const std::vector<fs::path>& inputs, const DiscoveryOptions& options) {
  Finder finder(options);
  for (const auto& input : inputs) finder.add_input(input);
  return finder.finish();
}

std::string describe_skipped(const std::vector<SkippedFile>& skipped) {
  if (skipped.empty()) return "no files found";
  std::map<std::string, int> counts;
  for (const auto& s : skipped) ++counts[s.reason];
  std::vector<std::pair<std::string, int>> reasons(counts.begin(), counts.end());
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = fmt::format("{} file{} skipped:", skipped.size(), skipped.size() == 1 ? "" : "s");
  for (size_t i = 0; i < reasons.size(); ++i) {
    out += fmt::format("{} {} {}", i == 0 ? "" : ",", reasons[i].second, reasons[i].first);
  }
  return out;
}

WorkList select_shard(const WorkList& all, int index, int count) {
  WorkList shard;
  shard.skipped = all.skipped;
  size_t position = 0;
  for (const auto& film : all.films) {
    FilmSource part = film;
    part.clips.clear();
    for (const auto& clip : film.clips) {
      if (static_cast<int>(position++ % static_cast<size_t>(count)) == index) part.clips.push_back(clip);
    }
    if (!part.clips.empty()) shard.films.push_back(std::move(part));
  }
  return shard;
}

}  // namespace pressreel::batch
