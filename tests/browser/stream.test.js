// Plays a clip's adaptive stream (stream/master.m3u8) in the system Chromium with hls.js, the player
// the gallery ships in OUT: the stream loads, plays, switches rendition when forced, and logs no
// error; and the gallery's clip page plays the stream rather than the MP4.
// Usage: node stream.test.js OUT
'use strict';
const fs = require('fs');
const path = require('path');
const {launchChromium} = require('./chromium.js');
const {serve} = require('./serve.js');

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node stream.test.js OUT');
  process.exit(2);
}

const results = {passed: 0, failed: 0};
function check(what, ok, why) {
  results[ok ? 'passed' : 'failed']++;
  console.log(ok ? `PASS ${what}` : `FAIL ${what}: ${why}`);
}

// Every clip of the run whose manifest lists a stream, with its page's URL.
function streamedClips() {
  const clips = [];
  const catalog = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  for (const film of catalog.films) {
    const filmJson = JSON.parse(fs.readFileSync(path.join(out, film.film, 'film.json'), 'utf8'));
    for (const clip of filmJson.clips) {
      const manifest = JSON.parse(fs.readFileSync(path.join(out, film.film, clip.clip, 'manifest.json'), 'utf8'));
      const stream = (manifest.outputs || {}).stream;
      if (stream) clips.push({label: `${film.film}/${clip.clip}`, folder: `${film.film}/${clip.clip}/`, stream});
    }
  }
  return clips;
}

// In the page: a fresh video element and hls.js on the master playlist; plays, then forces the
// rendition it is not on, and reports what happened.
async function playAndSwitch(page, master) {
  return page.evaluate(async (master) => {
    const Hls = window.Hls;
    const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    async function until(condition, ms) {
      const start = Date.now();
      while (!condition() && Date.now() - start < ms) await wait(50);
      return condition();
    }
    if (!Hls || !Hls.isSupported()) return {error: 'hls.js is not loaded or MSE is not supported'};
    const video = document.createElement('video');
    video.muted = true;
    document.body.appendChild(video);
    const hls = new Hls();
    const report = {errors: [], switched: [], levels: [], audioTracks: 0};
    hls.on(Hls.Events.ERROR, (event, data) => report.errors.push(`${data.type} ${data.details} fatal=${data.fatal}`));
    hls.on(Hls.Events.LEVEL_SWITCHED, (event, data) => report.switched.push(data.level));
    const parsed = new Promise((resolve) => hls.on(Hls.Events.MANIFEST_PARSED, resolve));
    hls.loadSource(master);
    hls.attachMedia(video);
    if (!(await Promise.race([parsed.then(() => true), wait(15000).then(() => false)]))) {
      report.error = 'the master playlist was not parsed in 15 s';
      return report;
    }
    report.levels = hls.levels.map((level) => ({height: level.height, bitrate: level.bitrate, codecs: `${level.videoCodec},${level.audioCodec}`}));
    report.audioTracks = hls.audioTracks.length;
    try { await video.play(); } catch (error) { report.error = `play(): ${error}`; return report; }
    report.playing = await until(() => video.currentTime > 1.0, 15000);
    report.timeBeforeSwitch = video.currentTime;
    // Force the rendition it is not playing. hls.nextLevel takes the choice from the adaptive logic and
    // switches at the next segment, which must start with a keyframe lined up with the one before;
    // (hls.currentLevel would also flush the buffer, and hls.js reports the refill as a stall).
    const target = hls.currentLevel === 0 ? hls.levels.length - 1 : 0;
    report.target = target;
    report.targetHeight = hls.levels[target].height;
    report.switchedBefore = report.switched;
    report.switched = [];
    hls.nextLevel = target;
    report.switchedInTime = await until(() => report.switched.includes(target), 15000);
    report.shownInTime = await until(() => video.videoHeight === report.targetHeight, 15000);
    const switchedAt = video.currentTime;
    report.playsAfterSwitch = await until(() => video.currentTime > switchedAt + 0.5, 15000);
    report.videoHeight = video.videoHeight;
    hls.destroy();
    video.remove();
    return report;
  }, master);
}

async function main() {
  const clips = streamedClips();
  check('the run packaged a stream', clips.length > 0, 'no manifest lists outputs.stream');
  const server = await serve(out);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium({width: 1280, height: 800});
  const context = browser.context;
  try {
    for (const clip of clips) {
      const page = await context.newPage();
      const errors = [];
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('requestfailed', (request) => {
        const why = request.failure() ? request.failure().errorText : '';
        // hls.js aborts a segment request it no longer needs when it switches rendition.
        if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.url()} ${why}`);
      });
      page.on('response', (response) => { if (response.status() >= 400) errors.push(`HTTP ${response.status()} ${response.url()}`); });
      const url = base + clip.folder.split('/').map(encodeURIComponent).join('/') + 'index.html';
      await page.goto(url, {waitUntil: 'load'});

      // The gallery's player attaches the stream with the shipped hls.js.
      const gallery = await page.evaluate(async () => {
        const player = document.getElementById('player');
        player.muted = true;
        try { await player.play(); } catch (error) { return {error: String(error)}; }
        const start = Date.now();
        while (player.currentTime <= 0.5 && Date.now() - start < 15000) await new Promise((r) => setTimeout(r, 50));
        const state = {stream: player.dataset.stream, hls: Boolean(player.pressreelHls), src: player.currentSrc,
                       currentTime: player.currentTime,
                       levels: player.pressreelHls ? player.pressreelHls.levels.length : 0};
        player.pause();
        return state;
      });
      check(`${clip.label}: the clip page plays the stream with hls.js (${JSON.stringify(gallery)})`,
            !gallery.error && gallery.hls && gallery.src.startsWith('blob:') && gallery.currentTime > 0.5 && gallery.levels >= 2,
            JSON.stringify(gallery));

      const master = clip.stream.hls;
      const report = await playAndSwitch(page, master);
      console.log(`${clip.label}: ${JSON.stringify(report)}`);
      check(`${clip.label}: hls.js loads the master playlist with every rendition and one audio track`,
            !report.error && report.levels.length === clip.stream.renditions.length && report.audioTracks === 1 &&
            report.levels.every((level) => level.codecs.startsWith('avc1.') && level.codecs.endsWith('mp4a.40.2')),
            report.error || JSON.stringify(report.levels));
      check(`${clip.label}: the stream plays (currentTime ${report.timeBeforeSwitch})`, report.playing === true, JSON.stringify(report));
      check(`${clip.label}: forcing rendition ${report.target} switches to it (LEVEL_SWITCHED) and playback goes on`,
            report.switchedInTime === true && report.shownInTime === true && report.playsAfterSwitch === true,
            JSON.stringify(report));
      check(`${clip.label}: hls.js reports no error`, report.errors.length === 0, report.errors.join(' | '));
      check(`${clip.label}: no console or network error`, errors.length === 0, errors.join(' | '));
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
