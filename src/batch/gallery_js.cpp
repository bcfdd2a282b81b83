#include "batch/gallery_assets.hpp"

namespace pressreel::batch {

// The storyboard's VTT text is embedded in the page (as a JSON string) rather than fetched, so hover
// previews also work when the gallery is opened from disk, where fetch() of a file: URL is refused.
const std::string_view gallery_clip_js = R"JS(
(function () {
  'use strict';
  const wrap = document.getElementById('player-wrap');
  const player = document.getElementById('player');
  const tile = document.getElementById('tile');
  const scrub = document.getElementById('scrub');
  const vttElement = document.getElementById('storyboard-vtt');

  // The adaptive stream where it can play: hls.js (shipped beside the gallery) over Media Source
  // Extensions, else the browser's own HLS (Safari). A page opened from disk keeps the MP4 sources:
  // browsers refuse to fetch file: URLs. On a fatal stream error the MP4 sources take over.
  if (player && player.dataset.stream && location.protocol !== 'file:') {
    const stream = player.dataset.stream;
    if (window.Hls && window.Hls.isSupported()) {
      const hls = new window.Hls({capLevelToPlayerSize: true});
      hls.on(window.Hls.Events.ERROR, (event, data) => {
        if (data.fatal) hls.destroy();  // detaches: the <source> MP4s are chosen again
      });
      hls.loadSource(stream);
      hls.attachMedia(player);
      player.pressreelHls = hls;
    } else if (player.canPlayType('application/vnd.apple.mpegurl')) {
      player.src = stream;
    }
  }

  function parseTime(text) {
    return text.trim().split(':').reduce((total, part) => total * 60 + Number(part), 0);
  }
  function parseVtt(text) {
    const cues = [];
    for (const block of text.replace(/\r/g, '').split(/\n\n+/)) {
      const lines = block.split('\n');
      const at = lines.findIndex((line) => line.includes('-->'));
      if (at < 0 || at + 1 >= lines.length) continue;
      const [from, to] = lines[at].split('-->');
      const m = lines[at + 1].trim().match(/^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/);
      if (!m) continue;
      cues.push({start: parseTime(from), end: parseTime(to.trim().split(/\s+/)[0]), src: m[1],
                 x: +m[2], y: +m[3], w: +m[4], h: +m[5]});
    }
    return cues;
  }
  function clock(seconds) {
    const s = Math.max(0, seconds);
    const m = Math.floor(s / 60), rest = (s - m * 60).toFixed(1).padStart(4, '0');
    return m + ':' + rest;
  }
  const cues = vttElement ? parseVtt(JSON.parse(vttElement.textContent)) : [];
  function duration() {
    if (player && isFinite(player.duration) && player.duration > 0) return player.duration;
    return Number(wrap ? wrap.dataset.duration : 0) || (cues.length ? cues[cues.length - 1].end : 0);
  }
  function cueAt(t) {
    let found = cues[0];
    for (const cue of cues) { if (cue.start <= t) found = cue; else break; }
    return found;
  }
  function timeAtPointer(event) {
    const box = wrap.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    return {t: fraction * duration(), x: event.clientX - box.left, width: box.width};
  }
  function showTile(event) {
    if (!cues.length || !tile) return;
    const at = timeAtPointer(event);
    const cue = cueAt(at.t);
    tile.style.width = cue.w + 'px';
    tile.style.height = cue.h + 'px';
    tile.style.backgroundImage = 'url(' + JSON.stringify(cue.src) + ')';
    tile.style.backgroundPosition = (-cue.x) + 'px ' + (-cue.y) + 'px';
    const half = cue.w / 2 + 2;
    tile.style.left = Math.min(at.width - half, Math.max(half, at.x)) + 'px';
    tile.querySelector('span').textContent = clock(at.t);
    tile.dataset.time = at.t.toFixed(3);
    tile.classList.add('visible');
  }
  function seek(t) {
    if (!player) return;
    player.currentTime = Math.max(0, t);
    markShot(t);
  }
  const shots = Array.from(document.querySelectorAll('.shot[data-time]'));
  function markShot(t) {
    let current = null;
    for (const shot of shots) { if (Number(shot.dataset.time) <= t + 0.01) current = shot; }
    for (const shot of shots) shot.classList.toggle('current', shot === current);
  }
  if (wrap) {
    wrap.addEventListener('mousemove', showTile);
    wrap.addEventListener('mouseleave', () => tile && tile.classList.remove('visible'));
  }
  if (scrub) scrub.addEventListener('click', (event) => seek(timeAtPointer(event).t));
  for (const element of document.querySelectorAll('[data-time]')) {
    if (element === tile) continue;
    element.addEventListener('click', () => {
      seek(Number(element.dataset.time));
      if (wrap) wrap.scrollIntoView({block: 'nearest', behavior: 'smooth'});
    });
  }
  if (player && scrub) {
    const head = scrub.querySelector('.head'), label = scrub.querySelector('.label');
    player.addEventListener('timeupdate', () => {
      const d = duration();
      head.style.left = (d > 0 ? 100 * player.currentTime / d : 0) + '%';
      label.textContent = clock(player.currentTime) + ' / ' + clock(d);
      markShot(player.currentTime);
    });
  }

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    button.classList.add('done');
    button.textContent = 'Copied';
    setTimeout(() => { button.classList.remove('done'); button.textContent = 'Copy'; }, 1500);
  }
  for (const button of document.querySelectorAll('button.copy')) {
    button.addEventListener('click', () => {
      if (button.dataset.copyHref) copy(new URL(button.dataset.copyHref, document.baseURI).href, button);
      else copy(document.getElementById(button.dataset.copyTarget).textContent, button);
    });
  }
})();
)JS";

}  // namespace pressreel::batch
