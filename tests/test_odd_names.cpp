// Film and clip names are untrusted: "..", leading dashes, absolute-looking titles, invalid UTF-8,
// control characters, quotes, markup and every script become safe folders inside OUT and reach the
// gallery as escaped text. Symlinks leaving the input are followed only when the recipe says so.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "batch/slug.hpp"
#include "test_support.hpp"

namespace {

using pressreel::batch::slugify;
using pressreel::testing::cli;
using pressreel::testing::run_command;
using pressreel::testing::TempDir;
using pressreel::testing::read_text;
using pressreel::testing::write_text;
namespace fs = std::filesystem;
using nlohmann::json;



// Shots and stills only: enough for folders, manifests, catalog and gallery, and fast.
const char* const quick_recipe = R"([recipe]
description = "odd names: shots and stills"
[outputs]
poster = false
contact_sheet = false
storyboard = false
previews = false
teaser = false
)";

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// What a user would check of every name pressreel wrote: inside OUT, no link, printable UTF-8, no
// leading dash or dot-dot.
void expect_safe_tree(const fs::path& out) {
  const fs::path root = fs::canonical(out);
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    EXPECT_FALSE(e.is_symlink()) << e.path();
    const fs::path rel = fs::weakly_canonical(e.path()).lexically_relative(root);
    EXPECT_FALSE(rel.empty() || *rel.begin() == "..") << e.path() << " is outside " << root;
    EXPECT_TRUE(valid_utf8(name)) << e.path();
    EXPECT_FALSE(name.starts_with("-") || name.starts_with("..")) << e.path();
    EXPECT_EQ(std::count_if(name.begin(), name.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
              0)
        << e.path();
  }
}

TEST(Slug, DropsInvisibleReorderingAndMalformedCharacters) {
  EXPECT_EQ(slugify("evil\u202Egnp.mp4"), "evil-gnp.mp4");           // RIGHT-TO-LEFT OVERRIDE would show "evilmp4.png"
  EXPECT_EQ(slugify("a\u200Bb\u2060c"), "a-b-c");                    // zero-width space, word joiner
  EXPECT_EQ(slugify(std::string("\xC2\x9B") + "31mred"), "31mred");  // C1 control (CSI)
  EXPECT_EQ(slugify(std::string("\xEF\xBB\xBF") + "title"), "title");  // byte order mark
  EXPECT_EQ(slugify("\xC0\xAE\xC0\xAE/x"), "x");                       // overlong "..", not a dot
  EXPECT_EQ(slugify("\xED\xA0\x80x"), "x");                            // a UTF-16 surrogate
  EXPECT_EQ(slugify("tab\there\nnewline"), "tab-here-newline");
  EXPECT_EQ(slugify("-rf --no-preserve-root"), "rf-no-preserve-root");
  EXPECT_EQ(slugify("..foo"), "foo");
  EXPECT_EQ(slugify("Фильм Кино"), "Фильм-Кино");  // only ASCII is lower-cased
  EXPECT_EQ(slugify("فيلم"), "فيلم");
  EXPECT_EQ(slugify("映画 🎬 Trailer"), "映画-🎬-trailer");
}

TEST(OddNames, RunKeepsEveryPathInsideOutAndEveryTitleEscaped) {
  TempDir dir;
  const fs::path in = dir / "in", out = dir / "out", recipe = dir / "quick.toml";
  write_text(recipe, quick_recipe);
  const fs::path clip = pressreel::testing::make_test_clip(dir / "clip.mp4", 5, "25", {}, 96, 64);
  const std::vector<std::string> films = {"..foo",
                                          "-rf --no-preserve-root",
                                          "<script>alert('film')<\\script> & \"q\"",
                                          "Фильм Кино",
                                          "فيلم",
                                          "映画 🎬",
                                          std::string("bad\xff\xfe") + "bytes\x01\nline"};
  for (const auto& film : films) fs::create_directories(in / film);
  const std::vector<std::string> clips = {"..%2f..%2fx.mp4",
                                          "-n.mp4",
                                          "a\nb.mp4",
                                          std::string("bad\xff.mp4"),
                                          "\"quoted\" 'single' name.mp4",
                                          "<img src=x onerror=alert(1)>.mp4",
                                          "\u202Egnp.mp4"};
  for (const auto& name : clips) fs::copy_file(clip, in / films[1] / name);
  for (size_t i = 2; i < films.size(); ++i) fs::copy_file(clip, in / films[i] / "trailer.mp4");
  fs::copy_file(clip, in / films[0] / "hidden.mp4");
  write_text(in / films[2] / "film.toml",
             "title = \"</script><script>alert(1)</script>\"\ndirector = \"\\\"quoted\\\" & 'single'\"\n");
  write_text(in / films[3] / "film.toml", "title = \"/etc/x\"\n");

  std::string stdout_text;
  const int rc = run_command(
      fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json --report '{}' 2>'{}'", cli(), in.string(),
                  out.string(), recipe.string(), (dir / "junit.xml").string(), (dir / "stderr.txt").string()),
      &stdout_text);
  ASSERT_EQ(rc, 0) << stdout_text << read_text(dir / "stderr.txt");
  const json summary = json::parse(stdout_text);
  // Names starting with "." are hidden, like ".git": skipped, and said so.
  EXPECT_EQ(summary["succeeded"], static_cast<int>(clips.size() - 1 + films.size() - 2));
  std::set<std::string> hidden;
  for (const auto& s : summary["skipped"]) {
    if (s["reason"] == "hidden file") hidden.insert(fs::path(s["path"].get<std::string>()).filename().string());
  }
  EXPECT_EQ(hidden, (std::set<std::string>{"..foo", "..%2f..%2fx.mp4"}));

  expect_safe_tree(out);
  EXPECT_TRUE(valid_utf8(read_text(dir / "junit.xml")));  // source paths hold the raw names
  EXPECT_FALSE(fs::exists(dir / "x.mp4"));
  EXPECT_TRUE(fs::is_directory(out / "rf-no-preserve-root" / "n"));
  EXPECT_TRUE(fs::is_directory(out / "rf-no-preserve-root" / "a-b"));
  EXPECT_TRUE(fs::is_directory(out / "rf-no-preserve-root" / "gnp"));
  EXPECT_TRUE(fs::is_directory(out / "Фильм-Кино" / "trailer"));
  EXPECT_TRUE(fs::is_directory(out / "映画-🎬" / "trailer"));
  EXPECT_TRUE(fs::is_directory(out / "bad-bytes-line" / "trailer"));

  // Titles survive as text: in the catalog as written, in every page escaped.
  const json catalog = json::parse(read_text(out / "catalog.json"));
  std::set<std::string> titles;
  for (const auto& f : catalog["films"]) titles.insert(f["title"].get<std::string>());
  EXPECT_TRUE(titles.contains("</script><script>alert(1)</script>"));
  EXPECT_TRUE(titles.contains("/etc/x"));
  EXPECT_TRUE(titles.contains("فيلم"));
  // Invalid bytes are written as U+FFFD rather than failing the clip, the catalog or the summary.
  EXPECT_EQ(std::count_if(titles.begin(), titles.end(),
                          [](const std::string& t) {
                            return t.starts_with("bad\uFFFD") && t.find("bytes") != std::string::npos;
                          }),
            1)
      << catalog["films"];

  std::string pages;
  int page_count = 0;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.path().extension() != ".html") continue;
    ++page_count;
    const std::string page = read_text(e.path());
    EXPECT_EQ(page.find("<script>alert"), std::string::npos) << e.path();
    EXPECT_EQ(page.find("<img src=x"), std::string::npos) << e.path();
    pages += page;
  }
  EXPECT_GE(page_count, 1 + 6 + 11);  // index, films, clips
  EXPECT_NE(pages.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(pages.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(pages.find("&quot;quoted&quot; &amp; &#39;single&#39;"), std::string::npos);
  for (const char* text : {"فيلم", "映画 🎬", "/etc/x"}) EXPECT_NE(pages.find(text), std::string::npos) << text;
}

// The single-clip commands print JSON with the clip's name in it: a name that is not UTF-8 comes
// out with U+FFFD, not as an error after the work is done.
TEST(OddNames, SingleClipCommandsPrintJsonForANameThatIsNotUtf8) {
  TempDir dir;
  const fs::path clip = dir / std::string("bad\xff.mp4");
  fs::copy_file(pressreel::testing::make_test_clip(dir / "clip.mp4", 10, "25", {}, 96, 64), clip);
  const std::string replacement = "\xEF\xBF\xBD";
  for (const std::string command : {"probe '{}' --json", "thumbs '{}' -o '{}/thumbs' --json", "preview '{}' -o '{}/preview'"}) {
    std::string stdout_text;
    const int rc = run_command(fmt::format("{} -q {} 2>'{}'", cli(), fmt::format(fmt::runtime(command), clip.string(),
                                                                                   dir.path().string()),
                                           (dir / "stderr.txt").string()),
                               &stdout_text);
    ASSERT_EQ(rc, 0) << command << ": " << read_text(dir / "stderr.txt");
    EXPECT_TRUE(valid_utf8(stdout_text)) << command;
    EXPECT_NE(json::parse(stdout_text).dump().find(replacement), std::string::npos) << command;
  }
}

TEST(OddNames, EvalScenesPrintsJsonForATruthFileNameThatIsNotUtf8) {
  TempDir dir;
  const std::string stem = "bad\xff";
  write_text(dir / "truth" / (stem + ".json"), R"({"clip": "clip.mp4", "frames": 50, "cuts": [20]})");
  write_text(dir / "found" / (stem + ".json"), R"({"cuts": [{"frame": 20, "kind": "cut"}]})");
  std::string stdout_text;
  const int rc = run_command(fmt::format("{} -q eval-scenes --truth '{}' --detections '{}' --json 2>'{}'", cli(),
                                         (dir / "truth").string(), (dir / "found").string(),
                                         (dir / "stderr.txt").string()),
                             &stdout_text);
  ASSERT_EQ(rc, 0) << read_text(dir / "stderr.txt");
  EXPECT_TRUE(valid_utf8(stdout_text));
  const json report = json::parse(stdout_text);
  EXPECT_EQ(report["clips"][0]["clip"], "bad\xEF\xBF\xBD");
  EXPECT_EQ(report["overall"]["tolerance_0"]["overall"]["f1"], 1.0);
}

TEST(OddNames, SymlinksLeavingTheInputAreFollowedOnlyWhenTheRecipeSaysSo) {
  TempDir dir;
  const fs::path in = dir / "in";
  const fs::path clip = pressreel::testing::make_test_clip(dir / "outside" / "secret.mp4", 5, "25", {}, 96, 64);
  write_text(dir / "outside" / "film.toml", "title = \"Title from outside the input\"\n");
  fs::create_directories(in / "film");
  fs::copy_file(clip, in / "film" / "a.mp4");
  fs::create_symlink(clip, in / "film" / "linked.mp4");
  fs::create_symlink(dir / "outside" / "film.toml", in / "film" / "film.toml");
  fs::create_directory_symlink(dir / "outside", in / "linked-film");
  write_text(dir / "quick.toml", quick_recipe);
  write_text(dir / "follow.toml", std::string(quick_recipe) + "[input]\nfollow_symlinks_outside = true\n");

  const auto run = [&](const std::string& recipe, const std::string& out) {
    std::string text;
    EXPECT_EQ(run_command(fmt::format("{} --quiet run '{}' -o '{}' --pipeline '{}' --json", cli(), in.string(),
                                      (dir / out).string(), (dir / recipe).string()),
                          &text),
              0);
    return json::parse(text);
  };
  const json kept_in = run("quick.toml", "out");
  EXPECT_EQ(kept_in["clips"].size(), 1u);
  EXPECT_EQ(kept_in["skipped"].size(), 3u);  // the linked clip, the linked film.toml, the linked film folder
  for (const auto& s : kept_in["skipped"]) EXPECT_NE(s["reason"].get<std::string>().find("symlink"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "out" / "linked-film"));
  EXPECT_EQ(read_text(dir / "out" / "catalog.json").find("Title from outside"), std::string::npos);

  const json followed = run("follow.toml", "out-follow");
  EXPECT_EQ(followed["clips"].size(), 3u);
  EXPECT_TRUE(fs::exists(dir / "out-follow" / "film" / "linked" / "manifest.json"));
  EXPECT_TRUE(fs::exists(dir / "out-follow" / "linked-film" / "secret" / "manifest.json"));
  EXPECT_NE(read_text(dir / "out-follow" / "catalog.json").find("Title from outside"), std::string::npos);
}

}  // namespace
