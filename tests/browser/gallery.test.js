// Opens every page of a pressreel gallery in the system Chromium and checks what an editor relies
// on: no console errors, every image loads, every video plays, the storyboard shows on hover,
// clicking a shot seeks, and a hostile title is shown as text without running anything.
// Usage: node gallery.test.js OUT SCREENSHOT_DIR HOSTILE_TITLE
// An assertion whose output the pipeline did not produce is skipped with the reason, not failed.
'use strict';
const fs = require('fs');
const path = require('path');
const {launchChromium} = require('./chromium.js');
const {serve} = require('./serve.js');

const [out, screenshots, hostileTitle] = process.argv.slice(2);
if (!out || !screenshots || !hostileTitle) {
  console.error('usage: node gallery.test.js OUT SCREENSHOT_DIR HOSTILE_TITLE');
  process.exit(2);
}

const results = {passed: 0, failed: 0, skipped: 0};
function pass(what) { results.passed++; console.log(`PASS ${what}`); }
function fail(what, why) { results.failed++; console.log(`FAIL ${what}: ${why}`); }
function skip(what, why) { results.skipped++; console.log(`SKIP ${what}: ${why}`); }
function check(what, ok, why) { ok ? pass(what) : fail(what, why); }

const segment = (slug) => encodeURIComponent(slug);

// Every page of the gallery, from the catalog the run wrote.
function pagesOf(catalog) {
  const pages = [{kind: 'index', label: 'index', url: 'index.html'}];
  for (const film of catalog.films) {
    const filmJson = JSON.parse(fs.readFileSync(path.join(out, film.film, 'film.json'), 'utf8'));
    pages.push({kind: 'film', label: film.film, url: `${segment(film.film)}/index.html`});
    for (const clip of filmJson.clips) {
      pages.push({kind: 'clip', label: `${film.film}/${clip.clip}`, url: `${segment(film.film)}/${segment(clip.clip)}/index.html`,
                  clip, manifest: JSON.parse(fs.readFileSync(path.join(out, film.film, clip.clip, 'manifest.json'), 'utf8'))});
    }
  }
  return pages;
}

async function imagesLoad(page, label) {
  // Lazy images load when near the viewport: bring each into view, then wait for it.
  const count = await page.locator('img').count();
  if (count === 0) return skip(`${label}: images load`, 'the page has no image (no still/poster output yet)');
  for (let i = 0; i < count; i++) await page.locator('img').nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete), null, {timeout: 20000})
    .catch(() => {});
  const broken = await page.evaluate(() => Array.from(document.images)
    .filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.getAttribute('src')));
  check(`${label}: all ${count} images load`, broken.length === 0, `not loaded: ${broken.join(', ')}`);
}

async function videosPlay(page, label) {
  const count = await page.locator('video').count();
  if (count === 0) return skip(`${label}: videos play`, 'no preview rendition in this clip (preview stage not in the pipeline or recipe)');
  for (let i = 0; i < count; i++) {
    const state = await page.locator('video').nth(i).evaluate(async (video) => {
      video.muted = true;
      try { await video.play(); } catch (error) { return {error: String(error)}; }
      const start = Date.now();
      while ((video.readyState < 2 || video.currentTime <= 0) && Date.now() - start < 15000) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = {readyState: video.readyState, currentTime: video.currentTime, src: video.currentSrc,
                      paused: video.paused, error: video.error ? video.error.message || String(video.error.code) : null};
      video.pause();
      return result;
    });
    check(`${label}: video ${i + 1} reaches readyState >= 2 and plays (${state.src || ''})`,
          !state.error && state.readyState >= 2 && state.currentTime > 0, JSON.stringify(state));
  }
}

async function storyboardHover(page, label) {
  if (await page.locator('#storyboard-vtt').count() === 0) {
    return skip(`${label}: storyboard on hover`, 'no storyboard.vtt for this clip (storyboard stage not in the pipeline yet)');
  }
  const wrap = page.locator('#player-wrap');
  await wrap.scrollIntoViewIfNeeded();
  const box = await wrap.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  const tile = await page.evaluate(async () => {
    const tile = document.getElementById('tile');
    const image = tile.style.backgroundImage.replace(/^url\("?|"?\)$/g, '');
    const sprite = new Image();
    sprite.src = image;
    try { await sprite.decode(); } catch (error) { /* naturalWidth stays 0 */ }
    const style = getComputedStyle(tile);
    return {visible: tile.classList.contains('visible') && style.display !== 'none' && tile.offsetWidth > 0,
            image, position: tile.style.backgroundPosition, spriteWidth: sprite.naturalWidth};
  });
  check(`${label}: hovering the player shows a storyboard tile`, tile.visible && tile.image && tile.spriteWidth > 0,
        JSON.stringify(tile));
  await page.mouse.move(0, 0);
}

async function shotSeeks(page, label) {
  const shots = page.locator('.shot[data-time]');
  const count = await shots.count();
  if (count === 0) return skip(`${label}: clicking a shot seeks`, 'no shot stills with times (stills/scenes stages not in the pipeline yet)');
  if (await page.locator('video#player').count() === 0) return skip(`${label}: clicking a shot seeks`, 'no player (no preview rendition)');
  const shot = shots.nth(count > 1 ? Math.min(2, count - 1) : 0);
  const expected = Number(await shot.getAttribute('data-time'));
  await shot.scrollIntoViewIfNeeded();
  await shot.click();
  const reached = await page.evaluate(async (t) => {
    const video = document.getElementById('player');
    const start = Date.now();
    while ((video.seeking || Math.abs(video.currentTime - t) > 0.25) && Date.now() - start < 10000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return video.currentTime;
  }, expected);
  check(`${label}: clicking the shot at ${expected}s seeks the player`, Math.abs(reached - expected) <= 0.25,
        `player at ${reached}s`);
}

async function hostileTitleIsText(page, label) {
  const state = await page.evaluate(() => ({
    title: document.getElementById('clip-title').textContent,
    // The page's own script is the one executable script besides the HLS player the gallery ships
    // (../../hls.min.js); anything more came from the title.
    injected: document.querySelectorAll('img[src="x"]').length +
      Array.from(document.scripts).filter((s) => (!s.type || s.type === 'text/javascript') &&
                                                 s.getAttribute('src') !== '../../hls.min.js').length - 1,
  }));
  check(`${label}: the hostile title shows literally`, state.title === hostileTitle, `shown as ${JSON.stringify(state.title)}`);
  check(`${label}: the hostile title adds no element`, state.injected === 0, `${state.injected} injected elements`);
}

async function main() {
  const catalog = JSON.parse(fs.readFileSync(path.join(out, 'catalog.json'), 'utf8'));
  const pages = pagesOf(catalog);
  fs.mkdirSync(screenshots, {recursive: true});
  const server = await serve(out);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium({width: 1366, height: 900});
  const context = browser.context;
  let hostileSeen = false;
  const shot = {};
  try {
    for (const entry of pages) {
      const page = await context.newPage();
      const label = `${entry.kind} ${entry.label}`;
      const errors = [];
      let dialogs = 0;
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      page.on('pageerror', (error) => errors.push(String(error)));
      // The media element cancels its own range requests when it seeks or the page closes
      // (net::ERR_ABORTED); any other failed request is an error. A 404 also logs a console error.
      page.on('requestfailed', (request) => {
        const why = request.failure() ? request.failure().errorText : '';
        if (why !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.url()} ${why}`);
      });
      page.on('dialog', (dialog) => { dialogs++; dialog.dismiss().catch(() => {}); });
      await page.goto(base + entry.url, {waitUntil: 'load'});

      await imagesLoad(page, label);
      if (entry.kind === 'clip' && entry.manifest.status === 'ok') {
        await videosPlay(page, label);
        await storyboardHover(page, label);
        await shotSeeks(page, label);
      }
      const title = entry.manifest && entry.manifest.probe && entry.manifest.probe.metadata
        ? entry.manifest.probe.metadata.title : undefined;
      if (title === hostileTitle) {
        hostileSeen = true;
        await hostileTitleIsText(page, label);
      }
      check(`${label}: no dialog opened`, dialogs === 0, `${dialogs} dialogs (a script ran)`);
      check(`${label}: no console errors`, errors.length === 0, errors.join(' | '));

      // One screenshot per page type, the first complete clip page and the hostile one.
      const name = entry.kind === 'clip' ? (title === hostileTitle ? 'clip-hostile' : 'clip') : entry.kind;
      if (!shot[name]) {
        await page.evaluate(() => window.scrollTo(0, 0));
        const file = path.join(screenshots, `${name}.png`);
        await page.screenshot({path: file, fullPage: true});
        shot[name] = file;
        console.log(`screenshot ${file}`);
      }
      await page.close();
    }
    if (!hostileSeen) fail('hostile title', 'no clip carried the hostile title: the fixture is wrong');
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  process.exit(results.failed > 0 ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
