# Sourced by the browser tests' run scripts: exits 77 (skipped for ctest) when chromium, node, npm or
# ffmpeg is missing (tools/setup.sh installs them), then installs playwright-core as pinned by
# package-lock.json; it drives the system Chromium and downloads no browser.
# Sets: here (this folder), chromium.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}

for tool in "$chromium" node npm ffmpeg; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool is not installed (tools/setup.sh installs chromium, nodejs and npm)"
    exit 77
  fi
done

installed=$(cd "$here" && node -p "try { require('./node_modules/playwright-core/package.json').version } catch (e) { '' }")
wanted=$(cd "$here" && node -p "require('./package.json').dependencies['playwright-core']")
if [[ "$installed" != "$wanted" ]]; then
  (cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
