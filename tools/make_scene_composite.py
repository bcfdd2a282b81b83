#!/usr/bin/python3
"""Composite clips with known shot boundaries, for measuring shot detection beyond the few real clips.

Shots are taken from footage whose single-shot ranges are known (the truth files of ../shared/media,
when present, and Big Buck Bunny in sample_media), cut into pieces and joined with what trailers do:
hard cuts, hard cuts between two framings of the same shot, cross-dissolves of 8-24 frames (also
between similar shots), fades through black or white, 6-frame shots; inside pieces, 1-3-frame white
flashes and fast pans that must not cut. The same 25 fps picture is encoded as H.264 (MP4), HEVC (MP4),
VP9 (WebM) and variable-frame-rate H.264 (Matroska), each with a truth file in the format of
../shared/media/README.md, so `pressreel eval-scenes --truth OUT/truth --clips OUT/clips` scores them.

    /usr/bin/python3 tools/make_scene_composite.py -o OUT [--seed 1 --seed 2 ...] [--frames 1200]
"""

import argparse
import json
import pathlib
import random
import subprocess
import sys

import cv2
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDTH, HEIGHT, FPS = 640, 360, 25
MARGIN = 2  # frames kept away from a source shot's ends (decoders may disagree by one there)


# Transitions the truth files do not list, seen in the pictures: fades-and-cuts dissolves from the
# stone to the tyre tread over frames 529-558.
UNLISTED = {"fades-and-cuts.mp4": [[529, 558]]}


def source_shots(shared):
    """(clip path, first, last) of every known single shot, from truth files and sample_media."""
    shots = []
    truth_dir = shared / "truth"
    for truth_file in sorted(truth_dir.glob("*.json")) if truth_dir.is_dir() else []:
        truth = json.loads(truth_file.read_text())
        clip = shared / "clips" / truth["clip"]
        # Only clips whose boundaries are verified and that have pictures worth cutting between.
        if not clip.exists() or "not verified" in truth.get("notes", "") or truth["frames"] < 60:
            continue
        if truth["clip"].startswith("counter"):
            continue
        gradual = truth["gradual"] + UNLISTED.get(truth["clip"], [])
        bounds = sorted([0, truth["frames"]] + truth["cuts"] + [b for g in gradual for b in (g[0], g[1] + 1)])
        for first, end in zip(bounds, bounds[1:]):
            inside_gradual = any(g[0] <= first and end - 1 <= g[1] for g in gradual)
            if end - first >= 30 and not inside_gradual:
                shots.append((clip, first, end - 1))
    if not shots:  # no shared footage: Big Buck Bunny's shots (its fade-in 0-48, cuts 283, 376; 468 frames)
        bbb = ROOT / "sample_media/big-buck-bunny/big-buck-bunny-0-19.webm"
        shots = [(bbb, 49, 282), (bbb, 283, 375), (bbb, 376, 467)]
    # A shot that is black (a dip between fades) has nothing to cut to.
    return [s for s in shots if s[2] - s[1] >= 30]


class Piece:
    """A run of frames from one source shot, optionally reframed (crop) or panned (moving crop)."""

    def __init__(self, shot, start, length, crop=None, pan=False):
        self.shot, self.start, self.length, self.crop, self.pan = shot, start, length, crop, pan
        self.incoming = 0  # frames shown inside the transition into this piece
        self.flash = None  # (offset in piece, frames, strength)


def plan(shots, total_frames, rng):
    """The pieces and the joins between them: ('cut', None), ('dissolve', frames) or
    ('fade-black'|'fade-white', (fade-out frames, dip frames, fade-in frames))."""
    pieces, joins = [], []
    frames = 0
    while frames < total_frames:
        previous = pieces[-1] if pieces else None
        join = "start"
        if previous:
            join = rng.choices(["cut", "similar-cut", "dissolve", "similar-dissolve", "fade-black", "fade-white"],
                               weights=[40, 12, 20, 6, 14, 8])[0]
            if previous.length == 6:  # a 6-frame shot ends with a hard cut too
                join = "similar-cut" if join.startswith("similar") else "cut"
        kind = "cut" if join.endswith("cut") else "dissolve" if join.endswith("dissolve") else join
        params = None
        incoming = 0  # frames of this piece shown inside the transition into it
        if kind == "dissolve":
            params = incoming = rng.randint(8, 24)
        elif kind.startswith("fade"):
            # The fade-out uses the previous piece's last frames: leave it at least 10 at full strength.
            room = previous.length - previous.incoming - 10
            if room < 6:
                kind, join = "cut", "cut"
            else:
                params = (rng.randint(6, min(20, room)), rng.randint(0, 10), rng.randint(6, 20))
                incoming = params[2]
        short = kind == "cut" and previous is not None and previous.length != 6 and rng.random() < 0.15
        length = 6 if short else incoming + rng.randint(16, 60)
        # Dissolves read up to 24 frames past a piece's end: its shot must hold them.
        need = length + 24 + 2 * MARGIN
        if join.startswith("similar") and previous.shot[2] - previous.shot[1] + 1 >= need:
            shot = previous.shot
        else:
            join = kind
            fitting = [s for s in shots if s[2] - s[1] + 1 >= need and (previous is None or s != previous.shot)]
            shot = rng.choice(fitting) if fitting else max(shots, key=lambda s: s[2] - s[1])
            length = min(length, shot[2] - shot[1] + 1 - 24 - 2 * MARGIN)
        start = shot[1] + MARGIN + rng.randint(0, shot[2] - shot[1] + 1 - 2 * MARGIN - 24 - length)
        crop = None
        if join.startswith("similar"):  # another framing of the same scene: a 60-75% window elsewhere
            crop = (rng.uniform(0.6, 0.75), rng.choice([(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0)]))
        piece = Piece(shot, start, length, crop, pan=crop is None and not short and rng.random() < 0.15)
        piece.incoming = incoming
        if previous:
            joins.append((kind, params))
        pieces.append(piece)
        frames += length
    # Flashes go where a piece is at full strength, clear of the transitions at both its ends.
    for k, piece in enumerate(pieces):
        tail = joins[k][1][0] if k < len(joins) and joins[k][0].startswith("fade") else 0
        first, last = piece.incoming + 8, piece.length - tail - 8 - 3
        if last - first >= 4 and rng.random() < 0.3:
            piece.flash = (rng.randint(first, last), rng.randint(1, 3), rng.uniform(0.7, 1.0))
    return pieces, joins


def read_frames(pieces):
    """Each needed source frame at the output size, read once per source clip in order."""
    wanted = {}
    for p in pieces:
        wanted.setdefault(p.shot[0], set()).update(range(p.start, p.start + p.length + 24))
    frames = {}
    for clip, indices in wanted.items():
        capture = cv2.VideoCapture(str(clip))
        last = max(indices)
        for index in range(last + 1):
            ok, picture = capture.read()
            if not ok:
                break
            if index in indices:
                frames[(clip, index)] = cv2.resize(picture, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
        capture.release()
    return frames


def piece_frame(piece, i, frames):
    """Frame i of the piece (i may run past its length: dissolves borrow the source's next frames)."""
    clip = piece.shot[0]
    index = min(piece.start + i, piece.shot[2] - MARGIN)
    while (clip, index) not in frames:
        index -= 1
    picture = frames[(clip, index)]
    if piece.crop:
        scale, (fx, fy) = piece.crop
        w, h = int(WIDTH * scale), int(HEIGHT * scale)
        x, y = int((WIDTH - w) * fx), int((HEIGHT - h) * fy)
        picture = cv2.resize(picture[y:y + h, x:x + w], (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
    elif piece.pan:  # a 55% window sweeping across the picture over the piece: fast camera motion
        w, h = int(WIDTH * 0.55), int(HEIGHT * 0.55)
        t = i / max(1, piece.length - 1)
        x, y = int((WIDTH - w) * t), int((HEIGHT - h) * (0.5 + 0.4 * np.sin(3 * t)))
        picture = cv2.resize(picture[y:y + h, x:x + w], (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR)
    if piece.flash and piece.flash[0] <= i < piece.flash[0] + piece.flash[1]:
        picture = cv2.addWeighted(picture, 1.0 - piece.flash[2], np.full_like(picture, 255), piece.flash[2], 0)
    return picture


def render(pieces, joins, frames, emit):
    """Emits the composite frame by frame; returns its truth (cuts, gradual, flashes) and frame count."""
    truth = {"cuts": [], "gradual": [], "flashes": [], "kinds": []}  # kinds: of each gradual transition
    n = 0

    def put(picture):
        nonlocal n
        emit(picture)
        n += 1

    carried = 0  # frames of the current piece already shown (by a dissolve into it)
    for k, piece in enumerate(pieces):
        join = joins[k] if k < len(joins) else None
        nxt = pieces[k + 1] if k + 1 < len(pieces) else None
        if piece.flash:
            first = n - carried + piece.flash[0]
            truth["flashes"].append([first, first + piece.flash[1] - 1])
        tail = 0
        if nxt and join and join[0].startswith("fade"):
            tail = join[1][0]
        for i in range(carried, piece.length - tail):
            put(piece_frame(piece, i, frames))
        if not nxt:
            break
        if join[0] == "cut":
            truth["cuts"].append(n)
            carried = 0
        elif join[0] == "dissolve":
            d = join[1]
            first = n
            for i in range(d):
                alpha = (i + 1) / (d + 1)
                a = piece_frame(piece, piece.length + i, frames)
                b = piece_frame(nxt, i, frames)
                put(cv2.addWeighted(a, 1 - alpha, b, alpha, 0))
            truth["gradual"].append([first, n - 1])
            truth["kinds"].append("dissolve-similar" if nxt.crop else "dissolve")
            carried = d
        else:
            out_frames, dip, in_frames = join[1]
            level = 255 if join[0] == "fade-white" else 0
            flat = np.full((HEIGHT, WIDTH, 3), level, np.uint8)
            first = n
            for i in range(out_frames):  # as editors' dips do, the fade-out ends fully black (white)
                alpha = (i + 1) / out_frames
                put(cv2.addWeighted(piece_frame(piece, piece.length - out_frames + i, frames), 1 - alpha, flat, alpha, 0))
            for _ in range(dip):
                put(flat)
            for i in range(in_frames):
                alpha = (i + 1) / (in_frames + 1)
                put(cv2.addWeighted(flat, 1 - alpha, piece_frame(nxt, i, frames), alpha, 0))
            truth["gradual"].append([first, n - 1])
            truth["kinds"].append(f"{join[0]} {out_frames}+{dip}+{in_frames}")
            carried = in_frames
    return truth, n


ENCODINGS = {
    "h264": ("mp4", ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", "50"]),
    "hevc": ("mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-crf", "28", "-tag:v", "hvc1",
                     "-x265-params", "log-level=error"]),
    "vp9": ("webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-crf", "36", "-b:v", "0"]),
    # Frame durations wander around 1/25 s (monotonic: each step stays above 0.016 s).
    "vfr": ("mkv", ["-vf", "settb=1/1000,setpts='(N/25+0.012*sin(N*0.7))/TB'", "-fps_mode", "passthrough", "-enc_time_base",
                    "1/1000", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23"]),
}


def make(seed, total_frames, shots, out):
    rng = random.Random(seed)
    pieces, joins = plan(shots, total_frames, rng)
    frames = read_frames(pieces)
    encoders = {}
    for name, (ext, args) in ENCODINGS.items():
        path = out / "clips" / f"composite-{seed}-{name}.{ext}"
        command = ["ffmpeg", "-y", "-nostats", "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt",
                   "bgr24", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "pipe:0", *args, "-pix_fmt", "yuv420p",
                   str(path)]
        encoders[path] = subprocess.Popen(command, stdin=subprocess.PIPE)

    def emit(picture):
        data = np.ascontiguousarray(picture).tobytes()
        for process in encoders.values():
            process.stdin.write(data)

    truth, count = render(pieces, joins, frames, emit)
    for path, process in encoders.items():
        process.stdin.close()
        if process.wait() != 0:
            raise RuntimeError(f"{path}: ffmpeg failed")
        sources = sorted({str(p.shot[0].name) for p in pieces})
        (out / "truth" / f"{path.stem}.json").write_text(json.dumps({
            "clip": path.name, "frames": count, "fps": f"{FPS}/1", **truth,
            "source": f"tools/make_scene_composite.py --seed {seed} from {', '.join(sources)}",
            "notes": "Generated: cuts (some between two framings of one shot, some around 6-frame shots), "
                     "dissolves of 8-24 frames, fades through black and white, flashes and pans inside shots.",
        }, indent=1) + "\n")
        print(f"{path}: {count} frames, {len(truth['cuts'])} cuts, {len(truth['gradual'])} transitions, "
              f"{len(truth['flashes'])} flashes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=pathlib.Path, required=True)
    parser.add_argument("--seed", type=int, action="append", help="one composite per seed (default: 1 and 2)")
    parser.add_argument("--frames", type=int, default=1200, help="about this many frames per composite")
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared" / "media")
    args = parser.parse_args()
    (args.out / "clips").mkdir(parents=True, exist_ok=True)
    (args.out / "truth").mkdir(parents=True, exist_ok=True)
    shots = source_shots(args.shared)
    for seed in args.seed or [1, 2]:
        make(seed, args.frames, shots, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
