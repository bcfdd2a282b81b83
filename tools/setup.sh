#!/usr/bin/env bash
# Installs everything pressreel needs to build, test and run, from Debian 12 packages only.
# Idempotent: packages already present are left alone. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git bc
  # clang with compiler-rt (ASan, UBSan, libFuzzer) for tools/sanitize/run.sh, which CI runs
  clang libclang-rt-14-dev ccache
  ffmpeg libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libswscale-dev libswresample-dev
  libopencv-dev libopencv-contrib-dev opencv-data
  libtbb-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libxxhash-dev
  libwebp-dev  # stills and the teaser's animated WebP (libwebpmux); the tests read it back (libwebpdemux)
  libjpeg62-turbo-dev  # JPEG stills through libjpeg-turbo, so OpenCV's imgcodecs is never loaded
  # Sheet text in any script: shaping (HarfBuzz), bidi order (FriBidi), glyphs (FreeType); fonts for
  # Latin/Greek/Cyrillic/Arabic/Hebrew/Indic (DejaVu, Noto), CJK and monochrome emoji (Symbola)
  libharfbuzz-dev libfribidi-dev libfreetype-dev
  fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-symbola
  chromium chromium-driver
  opencv-doc ffmpegthumbnailer
  python3-opencv  # tools/pyscenedetect_baseline.py (run with /usr/bin/python3)
  slurmctld slurmd slurm-client munge
)

# The browser test needs node and npm; a machine that already has them (e.g. from NodeSource, whose
# nodejs conflicts with Debian's npm) keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi
