// A static file server for the gallery, on localhost and a free port, with byte ranges (the media
// element seeks with them). Used by gallery.test.js; no dependency beyond node itself.
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');

const types = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.png': 'image/png', '.webp': 'image/webp', '.mp4': 'video/mp4', '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8', '.csv': 'text/csv; charset=utf-8', '.edl': 'text/plain; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.m3u8': 'application/vnd.apple.mpegurl', '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
};

function serve(root) {
  const server = http.createServer((request, response) => {
    let file;
    try {
      file = path.join(root, decodeURIComponent(new URL(request.url, 'http://localhost').pathname));
    } catch (error) {
      response.writeHead(400).end();
      return;
    }
    if (!file.startsWith(path.resolve(root))) return response.writeHead(403).end();
    if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
    fs.stat(file, (error, stat) => {
      if (error || !stat.isFile()) return response.writeHead(404).end();
      const headers = {'Content-Type': types[path.extname(file).toLowerCase()] || 'application/octet-stream',
                       'Accept-Ranges': 'bytes'};
      const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range || '');
      if (range && stat.size > 0) {
        const start = range[1] === '' ? Math.max(0, stat.size - Number(range[2])) : Number(range[1]);
        const end = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), stat.size - 1) : stat.size - 1;
        if (start > end) return response.writeHead(416, {'Content-Range': `bytes */${stat.size}`}).end();
        response.writeHead(206, {...headers, 'Content-Range': `bytes ${start}-${end}/${stat.size}`,
                                 'Content-Length': end - start + 1});
        fs.createReadStream(file, {start, end}).pipe(response);
        return;
      }
      response.writeHead(200, {...headers, 'Content-Length': stat.size});
      fs.createReadStream(file).pipe(response);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

module.exports = {serve};
