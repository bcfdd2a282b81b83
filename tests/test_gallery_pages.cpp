// The gallery written over an OUT folder laid out by hand: what an editor sees on each page, that
// untrusted names and metadata stay text, that links are relative, and that missing outputs are
// left out rather than broken.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <regex>
#include <sstream>

#include "pressreel/batch/gallery.hpp"
#include "test_support.hpp"

namespace pressreel::batch {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pressreel::testing::TempDir;

const std::string hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void image(const fs::path& path, int width, int height) {
  fs::create_directories(path.parent_path());
  cv::imwrite(path.string(), cv::Mat(height, width, CV_8UC3, cv::Scalar(40, 90, 160)));
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json manifest(const std::string& name, const std::string& title, bool ok) {
  json m = {{"source", {{"name", name}}},
            {"film_info", {{"title", "Les Démons \"de\" minuit"}, {"year", "2024"}, {"director", hostile}}},
            {"status", ok ? "ok" : "failed"},
            {"probe", {{"duration_seconds", 12.5},
                       {"container", "mov,mp4"},
                       {"metadata", {{"title", title}, {"creation_time", "2024-03-02T10:00:00.000000Z"}}},
                       {"video", json::array({{{"display_width", 1280}, {"display_height", 720},
                                               {"average_frame_rate", "25/1"}}})}}},
            {"outputs", {{"stills", json::array({{{"file", "shot-002.jpg"}, {"time", {{"seconds", 4.5}}}, {"card", true}}})}}},
            {"error", ok ? json(nullptr) : json{{"stage", "decode"}, {"message", "broken: " + hostile}}}};
  return m;
}

// A film folder with a quote and spaces, one complete clip, one failed clip and one clip with no
// outputs at all.
struct GalleryFixture : ::testing::Test {
  TempDir tmp;
  fs::path out = tmp.path();
  std::string film = "odd \"film\" été";
  fs::path complete = out / film / "trailer";

  void SetUp() override {
    write(complete / "manifest.json", manifest("trailer.mp4", hostile, true).dump());
    image(complete / "poster" / "poster.jpg", 320, 180);
    image(complete / "poster" / "og-1200x630.jpg", 120, 63);
    image(complete / "poster" / "1x1-1080.jpg", 108, 108);
    image(complete / "stills" / "shot-001.jpg", 160, 90);
    image(complete / "stills" / "shot-002.jpg", 160, 90);
    image(complete / "contact-sheet.jpg", 320, 200);
    image(complete / "storyboard.jpg", 320, 90);
    write(complete / "storyboard.vtt",
          "WEBVTT\n\n00:00:00.000 --> 00:00:06.000\nstoryboard.jpg#xywh=0,0,160,90\n\n"
          "00:00:06.000 --> 00:00:12.500\nstoryboard.jpg#xywh=160,0,160,90\n\n");
    write(complete / "scenes.json",
          json{{"shots", json::array({{{"start_seconds", 0.0}, {"end_seconds", 4.0}},
                                      {{"start_seconds", 4.0}, {"end_seconds", 12.5}}})}}
              .dump());
    write(complete / "scenes.csv", "Timecode List:\n");
    write(complete / "scenes.edl", "TITLE: x\n");
    write(complete / "preview-360p.webm", "");
    write(complete / "preview-360p.mp4", "");
    write(complete / "preview-720p.mp4", "");
    write(out / film / "broken" / "manifest.json", manifest("broken.mp4", "Broken", false).dump());
    write(out / film / "bare" / "manifest.json", manifest("bare.mkv", "Bare", true).dump());
    write(out / film / "unfinished" / "poster" / "poster.jpg", "");  // no manifest: not complete
    write_gallery(out);
  }
};

TEST_F(GalleryFixture, WritesAPagePerClipFilmAndRun) {
  EXPECT_TRUE(fs::is_regular_file(out / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(out / film / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(complete / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(out / film / "broken" / "index.html"));
  EXPECT_FALSE(fs::exists(out / film / "unfinished" / "index.html"));
}

TEST_F(GalleryFixture, HostileMetadataStaysText) {
  for (const fs::path& page : {out / "index.html", out / film / "index.html", complete / "index.html",
                               out / film / "broken" / "index.html"}) {
    const std::string html = read(page);
    EXPECT_EQ(html.find("<img src=x"), std::string::npos) << page;
    EXPECT_EQ(html.find("<script>alert"), std::string::npos) << page;
    EXPECT_EQ(html.find("onerror=alert(1)>"), std::string::npos) << page;
  }
  const std::string clip = read(complete / "index.html");
  EXPECT_NE(clip.find("<h1 id=\"clip-title\">&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;</h1>"),
            std::string::npos);
  EXPECT_NE(clip.find("\"name\": \"\\u003cimg src=x onerror=alert(1)\\u003e"), std::string::npos);  // JSON-LD
}

TEST_F(GalleryFixture, LinksAreRelativeAndEncoded) {
  const std::string index = read(out / "index.html");
  EXPECT_NE(index.find("href=\"odd%20%22film%22%20%C3%A9t%C3%A9/index.html\""), std::string::npos);
  EXPECT_NE(index.find("src=\"odd%20%22film%22%20%C3%A9t%C3%A9/trailer/poster/poster.jpg\""), std::string::npos);
  const std::regex absolute(R"((href|src|poster)="(/|[a-zA-Z][a-zA-Z0-9+.-]*:))");
  for (const fs::path& page : {out / "index.html", out / film / "index.html", complete / "index.html"}) {
    const std::string html = read(page);
    std::smatch m;
    // The one allowed absolute link is the empty data: favicon, which fetches nothing.
    const std::string without_icon = std::regex_replace(html, std::regex(R"(<link rel="icon" href="data:,">)"), "");
    EXPECT_FALSE(std::regex_search(without_icon, m, absolute)) << page << ": " << m.str();
  }
}

TEST_F(GalleryFixture, ClipPageShowsEveryOutput) {
  const std::string html = read(complete / "index.html");
  // mp4 first, the larger first; then webm.
  const auto mp4_720 = html.find("<source src=\"preview-720p.mp4\" type=\"video/mp4\">");
  const auto mp4_360 = html.find("<source src=\"preview-360p.mp4\" type=\"video/mp4\">");
  const auto webm = html.find("<source src=\"preview-360p.webm\" type=\"video/webm\">");
  ASSERT_NE(mp4_720, std::string::npos);
  EXPECT_LT(mp4_720, mp4_360);
  EXPECT_LT(mp4_360, webm);
  EXPECT_NE(html.find("poster=\"poster/poster.jpg\""), std::string::npos);
  // Shot 1's time from scenes.json, shot 2's from the manifest's description of its still.
  EXPECT_NE(html.find("<button type=\"button\" class=\"shot\" data-time=\"0.000\"><img src=\"stills/shot-001.jpg\""),
            std::string::npos);
  // Shot 2 is a card in the manifest: its tile stays, marked; shot 1 is a picture.
  EXPECT_NE(html.find("<button type=\"button\" class=\"shot card\" data-time=\"4.500\"><img src=\"stills/shot-002.jpg\""),
            std::string::npos);
  EXPECT_NE(html.find("Shot 2 · 00:00:04.500 · card</span>"), std::string::npos);
  EXPECT_EQ(html.find("Shot 1 · 00:00:00.000 · card"), std::string::npos);
  // Crops with their sizes (from the name) and download links; the poster's size from the image.
  EXPECT_NE(html.find("og-1200x630 · 1200×630"), std::string::npos);
  EXPECT_NE(html.find("1x1-1080 · 108×108"), std::string::npos);
  EXPECT_NE(html.find("poster · 320×180"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"poster/og-1200x630.jpg\" download>Download</a>"), std::string::npos);
  EXPECT_NE(html.find("src=\"contact-sheet.jpg\""), std::string::npos);
  for (const char* file : {"scenes.csv", "scenes.edl", "scenes.json"}) {
    EXPECT_NE(html.find(std::string("data-copy-href=\"") + file + "\""), std::string::npos) << file;
  }
  EXPECT_NE(html.find("id=\"storyboard-vtt\">\"WEBVTT"), std::string::npos);
  // Link previews get the crop made for them.
  EXPECT_NE(html.find("<meta property=\"og:image\" content=\"poster/og-1200x630.jpg\">"), std::string::npos);
  // The embed snippet (shown as text) keeps the poster, in the video's shape.
  EXPECT_NE(html.find("&lt;video controls preload=&quot;metadata&quot; playsinline poster=&quot;poster/poster.jpg&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("\"duration\": \"PT12.5S\""), std::string::npos);
  EXPECT_NE(html.find("\"uploadDate\": \"2024-03-02\""), std::string::npos);
  EXPECT_NE(html.find("id=\"snippet-embed\""), std::string::npos);
}

// Open Graph and Twitter cards need absolute URLs: given where OUT is published, the snippets and
// the page's own tags carry them; the links between pages and the player stay relative.
TEST_F(GalleryFixture, ClipPagePlaysTheStreamWithTheShippedPlayerAndKeepsTheMp4s) {
  EXPECT_EQ(read(complete / "index.html").find("data-stream"), std::string::npos);  // no stream, no attribute
  EXPECT_FALSE(fs::exists(out / "hls.min.js"));  // nor a player in OUT
  write(complete / "stream" / "master.m3u8", "#EXTM3U\n");
  TempDir install;  // laid out as the npm package is
  write(install / "hls.js" / "dist" / "hls.min.js", "/* hls.js */");
  write(install / "hls.js" / "LICENSE", "Apache License 2.0");

  ::setenv("PRESSREEL_HLS_JS", (install / "hls.js" / "dist" / "hls.min.js").c_str(), 1);
  write_gallery(out);
  EXPECT_EQ(read(out / "hls.min.js"), "/* hls.js */");
  EXPECT_EQ(read(out / "hls.min.js.LICENSE.txt"), "Apache License 2.0");
  std::string html = read(complete / "index.html");
  EXPECT_NE(html.find("<video id=\"player\" controls preload=\"metadata\" playsinline poster=\"poster/poster.jpg\" "
                      "data-stream=\"stream/master.m3u8\">"), std::string::npos);
  EXPECT_NE(html.find("<source src=\"preview-720p.mp4\" type=\"video/mp4\">"), std::string::npos);  // the fallback
  const auto player = html.find("<script src=\"../../hls.min.js\"></script>");
  ASSERT_NE(player, std::string::npos);
  EXPECT_LT(player, html.rfind("<script>"));  // loaded before the page's script, which uses it
  EXPECT_EQ(read(out / film / "bare" / "index.html").find("hls.min.js"), std::string::npos);  // a clip without stream

  // No player installed: the stream is offered to browsers with native HLS only, and no script is
  // referenced that OUT does not have.
  ::setenv("PRESSREEL_HLS_JS", (install / "missing.js").c_str(), 1);
  fs::remove(out / "hls.min.js");
  write_gallery(out);
  ::unsetenv("PRESSREEL_HLS_JS");
  html = read(complete / "index.html");
  EXPECT_NE(html.find("data-stream=\"stream/master.m3u8\""), std::string::npos);
  EXPECT_EQ(html.find("hls.min.js"), std::string::npos);
}

TEST_F(GalleryFixture, SnippetsAreAbsoluteUnderTheBaseUrl) {
  write_gallery(out, checked_base_url("https://press.example.com/films"));
  const std::string html = read(complete / "index.html");
  const std::string folder = "https://press.example.com/films/odd%20%22film%22%20%C3%A9t%C3%A9/trailer/";
  EXPECT_NE(html.find("<meta property=\"og:image\" content=\"" + folder + "poster/og-1200x630.jpg\">"),
            std::string::npos);
  EXPECT_NE(html.find("<meta property=\"og:video\" content=\"" + folder + "preview-720p.mp4\">"), std::string::npos);
  EXPECT_NE(html.find("\"contentUrl\": \"" + folder + "preview-720p.mp4\""), std::string::npos);  // JSON-LD
  EXPECT_NE(html.find("<source src=\"preview-720p.mp4\" type=\"video/mp4\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"../../index.html\">"), std::string::npos);
  EXPECT_EQ(html.find("URLs are relative"), std::string::npos);
  // Without it, as before: relative, and the page says so.
  write_gallery(out);
  EXPECT_NE(read(complete / "index.html").find("URLs are relative"), std::string::npos);
}

TEST(GalleryBaseUrl, OnlyAnHttpAddressThatNeedsNoEscapingIsTaken) {
  EXPECT_EQ(checked_base_url("https://cdn.example.com/press"), "https://cdn.example.com/press/");
  EXPECT_EQ(checked_base_url("http://localhost:8000/"), "http://localhost:8000/");
  EXPECT_EQ(checked_base_url("https://example.com/a%20b/"), "https://example.com/a%20b/");
  for (const char* bad : {"", "example.com/press", "ftp://example.com/", "javascript:alert(1)", "https://",
                          "https:///path", "https://example.com/a b", "https://example.com/\"><script>",
                          "https://example.com/?x=1", "https://example.com/#top", "https://exämple.com/"}) {
    EXPECT_THROW(checked_base_url(bad), std::invalid_argument) << bad;
  }
}

TEST_F(GalleryFixture, FailuresShowTheirError) {
  const std::string expected = "broken: &lt;img src=x onerror=alert(1)&gt;";
  EXPECT_NE(read(out / film / "broken" / "index.html").find("This clip failed in decode:</b> " + expected),
            std::string::npos);
  EXPECT_NE(read(out / film / "index.html").find(expected), std::string::npos);
  const std::string index = read(out / "index.html");
  EXPECT_NE(index.find("1 failed"), std::string::npos);
  EXPECT_NE(index.find(expected), std::string::npos);
}

TEST_F(GalleryFixture, MissingOutputsAreLeftOut) {
  const std::string html = read(out / film / "bare" / "index.html");
  EXPECT_EQ(html.find("<video"), std::string::npos);
  EXPECT_NE(html.find("No preview rendition was made"), std::string::npos);
  EXPECT_EQ(html.find("<h2>Shots</h2>"), std::string::npos);
  EXPECT_EQ(html.find("<h2>Poster and crops</h2>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"storyboard-vtt\""), std::string::npos);
  EXPECT_EQ(html.find("og:image"), std::string::npos);
}

TEST_F(GalleryFixture, FilmPosterIsTheFilmsCover) {
  image(out / film / "poster.jpg", 320, 180);
  write_gallery(out);
  EXPECT_NE(read(out / "index.html").find("src=\"odd%20%22film%22%20%C3%A9t%C3%A9/poster.jpg\""), std::string::npos);
}

TEST_F(GalleryFixture, FilmPageShowsFilmMetadata) {
  const std::string html = read(out / film / "index.html");
  EXPECT_NE(html.find("<h1>Les Démons &quot;de&quot; minuit</h1>"), std::string::npos);
  EXPECT_NE(html.find("<li><b>Year</b>2024</li>"), std::string::npos);
  EXPECT_NE(html.find("<li><b>Clips</b>3</li>"), std::string::npos);
  EXPECT_NE(html.find("href=\"trailer/index.html\""), std::string::npos);
}

}  // namespace
}  // namespace pressreel::batch

namespace pressreel::batch {
namespace {

TEST(GalleryFacts, FrameRatesAndContainersAreShownAsPeopleKnowThem) {
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "24000/1001"}, {"variable_frame_rate", false}}), "23.976 fps");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "25/1"}}), "25 fps");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "30000/1001"}}), "29.97 fps");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "3840000/239239"}, {"variable_frame_rate", true}}),
            "16.05 fps (variable)");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "0/0"}, {"frame_rate", "50/1"}}), "50 fps");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", "0/0"}}), "");
  EXPECT_EQ(frame_rate_text({{"average_frame_rate", 25}}), "");  // not what pressreel writes: left out

  const std::string mov = "mov,mp4,m4a,3gp,3g2,mj2";
  EXPECT_EQ(container_name({{"container", mov}, {"metadata", {{"major_brand", "isom"}}}}, "a.mp4"), "MP4");
  EXPECT_EQ(container_name({{"container", mov}, {"metadata", {{"major_brand", "qt  "}}}}, "a.mp4"), "QuickTime");
  EXPECT_EQ(container_name({{"container", mov}}, "a.MOV"), "QuickTime");
  EXPECT_EQ(container_name({{"container", mov}, {"metadata", {{"major_brand", "3gp4"}}}}, "a.mp4"), "3GP");
  EXPECT_EQ(container_name({{"container", "matroska,webm"}}, "a.webm"), "WebM");
  EXPECT_EQ(container_name({{"container", "matroska,webm"}}, "a.mkv"), "Matroska");
  EXPECT_EQ(container_name({{"container", "avi"}}, "a.avi"), "AVI");
  EXPECT_EQ(container_name({{"container", "mpeg"}}, "a.mpg"), "MPEG-PS");
  EXPECT_EQ(container_name({{"container", "mpegts"}}, "a.ts"), "MPEG-TS");
  EXPECT_EQ(container_name({{"container", "wtv"}, {"container_long_name", "Windows Television (WTV)"}}, "a.wtv"),
            "Windows Television (WTV)");
}

TEST(GalleryFacts, PageAndLinkPreviewTitlesNameTheFilmAndTheClip) {
  TempDir tmp;
  const fs::path clip = tmp / "film" / "teaser";
  const json manifest = {
      {"source", {{"name", "teaser.mp4"}}},
      {"film_info", {{"title", "Les Démons de minuit"}}},
      {"status", "ok"},
      {"probe",
       {{"duration_seconds", 3.0},
        {"container", "mov,mp4,m4a,3gp,3g2,mj2"},
        {"metadata", {{"major_brand", "isom"}}},
        {"video", json::array({{{"width", 320}, {"height", 240}, {"average_frame_rate", "3840000/239239"},
                                {"variable_frame_rate", true}}})}}},
      {"outputs", json::object()}};
  write(clip / "manifest.json", manifest.dump());
  write_gallery(tmp.path());
  const std::string html = read(clip / "index.html");
  EXPECT_NE(html.find("<title>Les Démons de minuit — teaser · pressreel</title>"), std::string::npos);
  EXPECT_NE(html.find("<meta property=\"og:title\" content=\"Les Démons de minuit — teaser\">"), std::string::npos);
  EXPECT_NE(html.find("<meta name=\"twitter:title\" content=\"Les Démons de minuit — teaser\">"), std::string::npos);
  EXPECT_NE(html.find("16.05 fps (variable)"), std::string::npos);
  EXPECT_NE(html.find(">MP4<"), std::string::npos);
  EXPECT_EQ(html.find("3840000/239239"), std::string::npos);
  EXPECT_EQ(html.find("mov,mp4"), std::string::npos);
  EXPECT_EQ(html.find("teaser.mp4 · pressreel"), std::string::npos);
}

}  // namespace
}  // namespace pressreel::batch
