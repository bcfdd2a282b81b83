#include "batch/gallery_assets.hpp"

namespace pressreel::batch {

const std::string_view gallery_css = R"CSS(
:root{--bg:#111317;--panel:#1a1d23;--panel2:#22262e;--line:#2e333c;--text:#e6e8eb;--muted:#9aa1ab;
--accent:#5fb3ff;--bad:#ff6b6b;--bad-bg:#3a1d20;--ok:#5fd38d;--radius:10px;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font-size:15px;line-height:1.45}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;align-items:baseline;gap:14px;flex-wrap:wrap;padding:18px 28px;border-bottom:1px solid var(--line);background:var(--panel)}
header.top .brand{font-weight:700;letter-spacing:.04em;color:var(--muted);font-size:13px;text-transform:uppercase}
nav.crumbs{font-size:14px;color:var(--muted)}nav.crumbs a{color:var(--muted)}nav.crumbs a:hover{color:var(--text)}
main{padding:24px 28px 60px;max-width:1400px;margin:0 auto}
h1{font-size:26px;margin:0 0 6px;overflow-wrap:anywhere}h2{font-size:17px;margin:34px 0 12px;color:var(--text)}
h3{font-size:15px;margin:0 0 4px;overflow-wrap:anywhere}
.muted{color:var(--muted)}.small{font-size:13px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 0;padding:0;list-style:none}
.facts li{background:var(--panel2);border:1px solid var(--line);border-radius:999px;padding:3px 11px;font-size:13px}
.facts li b{color:var(--muted);font-weight:500;margin-right:5px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:18px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);overflow:hidden;display:flex;flex-direction:column}
.card:hover{border-color:#3d4450}
.card .thumb{aspect-ratio:16/9;background:#0b0c0f;display:flex;align-items:center;justify-content:center;overflow:hidden}
.card .thumb img{width:100%;height:100%;object-fit:cover;display:block}
.card .thumb .none{color:var(--muted);font-size:13px}
.card .body{padding:12px 14px 14px;display:flex;flex-direction:column;gap:4px}
.badge{display:inline-block;font-size:12px;padding:1px 8px;border-radius:999px;background:var(--panel2);color:var(--muted);border:1px solid var(--line)}
.badge.bad{background:var(--bad-bg);color:var(--bad);border-color:#5a2a2e}.badge.ok{color:var(--ok)}
.error{background:var(--bad-bg);border:1px solid #5a2a2e;color:#ffd5d5;border-radius:8px;padding:8px 10px;font-size:13px;overflow-wrap:anywhere;white-space:pre-wrap}
.error b{color:var(--bad)}
.warn{color:#ffcf70;font-size:13px}
.player-wrap{position:relative;background:#000;border-radius:var(--radius);overflow:visible;max-width:960px}
.player-wrap video{width:100%;display:block;border-radius:var(--radius) var(--radius) 0 0;background:#000;max-height:70vh}
.scrub{position:relative;height:26px;background:var(--panel2);border-radius:0 0 var(--radius) var(--radius);cursor:pointer;border:1px solid var(--line);border-top:0}
.scrub .head{position:absolute;top:0;bottom:0;width:2px;background:var(--accent);left:0;pointer-events:none}
.scrub .label{position:absolute;right:8px;top:4px;font-size:12px;color:var(--muted);pointer-events:none}
.tile{position:absolute;z-index:5;bottom:34px;transform:translateX(-50%);border:2px solid #fff;border-radius:6px;box-shadow:0 6px 24px #000a;background-repeat:no-repeat;background-color:#000;pointer-events:none;display:none}
.tile span{position:absolute;left:0;right:0;bottom:0;font-size:11px;text-align:center;background:#000b;color:#fff;padding:1px 0}
.tile.visible{display:block}
.layout{display:grid;grid-template-columns:minmax(0,960px) minmax(240px,1fr);gap:24px;align-items:start}
@media (max-width:1100px){.layout{grid-template-columns:1fr}}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:14px 16px}
.shots{display:flex;gap:10px;overflow-x:auto;padding:4px 2px 10px;scroll-snap-type:x proximity}
.shot{flex:0 0 auto;width:180px;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:0;color:var(--text);cursor:pointer;text-align:left;overflow:hidden;scroll-snap-align:start;font:inherit}
.shot:hover,.shot:focus-visible{border-color:var(--accent);outline:none}
.shot.current{border-color:var(--accent);box-shadow:0 0 0 1px var(--accent)}
.shot.card{border-style:dashed}
.shot img{width:100%;height:auto;aspect-ratio:16/9;object-fit:cover;display:block;background:#000}
.shot span{display:block;padding:5px 8px;font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.crops{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:14px;align-items:end}
.crop{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px;display:flex;flex-direction:column;gap:6px}
.crop img{width:100%;height:170px;object-fit:contain;background:#0b0c0f;border-radius:4px}
.crop .meta{display:flex;justify-content:space-between;gap:6px;font-size:12px;color:var(--muted);align-items:center}
.sheet img{max-width:100%;border-radius:8px;border:1px solid var(--line);display:block}
table.scenes{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
table.scenes th,table.scenes td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line)}
table.scenes th{color:var(--muted);font-weight:500}
table.scenes tr[data-time]{cursor:pointer}table.scenes tr[data-time]:hover td{background:var(--panel2)}
.links{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px}
.link{display:inline-flex;align-items:center;gap:6px;background:var(--panel2);border:1px solid var(--line);border-radius:8px;padding:4px 6px 4px 10px;font-size:13px}
button.copy{font:inherit;font-size:12px;background:#2b3240;color:var(--text);border:1px solid #3a4252;border-radius:6px;padding:2px 8px;cursor:pointer}
button.copy:hover{border-color:var(--accent)}button.copy.done{color:var(--ok)}
.snippet{margin-bottom:16px}.snippet .bar{display:flex;justify-content:space-between;align-items:center;margin-bottom:6px}
pre{margin:0;background:#0b0c0f;border:1px solid var(--line);border-radius:8px;padding:10px 12px;overflow:auto;font-size:12px;line-height:1.5;color:#cfd6df;max-height:300px}
code,pre{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
dl.info{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0;font-size:13px}
dl.info dt{color:var(--muted)}dl.info dd{margin:0;overflow-wrap:anywhere}
.stats{display:flex;gap:24px;flex-wrap:wrap;margin:14px 0 22px}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:var(--radius);padding:10px 16px;min-width:120px}
.stat b{display:block;font-size:22px}.stat span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
footer{color:var(--muted);font-size:12px;padding:20px 28px;border-top:1px solid var(--line)}
)CSS";

}  // namespace pressreel::batch
