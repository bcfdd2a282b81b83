#!/usr/bin/python3
"""Hard cases for shot detection, with exact truth: stretches that change a lot but can be predicted
from the frames before them (one shot each), joined by real hard cuts, a few same-source jump cuts
and one dissolve. Made from real frames, so textures and motion are those of footage:

  handheld   a window moving fast and shaking over an enlarged real shot, with motion blur
  oldfilm    grey film look with per-frame random gain, grain, vertical scratches, gate weave, dust
  entering   a large real object (a patch of another shot) slides into and across a fixed frame
  underwater a rippling displacement field, blue-green tint and slow drift over a real shot

Shots come from the truth files of ../shared/media (single-shot ranges, as make_scene_composite.py
finds them) and from the never-cuts clips of tests/truth/pool (whole clips that are one shot).
Deterministic for a seed. Each composite is H.264 MP4 with a truth file in the format of
../shared/media/README.md, so `pressreel eval-scenes --truth OUT/truth --clips OUT/clips` scores it.

    /usr/bin/python3 tools/make_hard_scene_cases.py -o OUT [--seed 1 --seed 2 ...] [--segments 10]
"""

import argparse
import json
import pathlib
import random
import subprocess
import sys

import cv2
import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_scene_composite import source_shots  # noqa: E402  (the shared clips' single shots)

ROOT = pathlib.Path(__file__).resolve().parent.parent
WIDTH, HEIGHT, FPS = 480, 270, 25
KINDS = ["handheld", "oldfilm", "entering", "underwater"]


def pool_shots(shared):
    """Whole pool clips annotated as one continuous shot, at least 320 px wide and 60 frames long. Clips
    listed in held_out.txt are skipped: they are scored, never tuned on, so no composite may show them."""
    truth_dir = ROOT / "tests" / "truth" / "pool"
    held_list = truth_dir / "held_out.txt"
    held = set(held_list.read_text().split()) if held_list.exists() else set()
    shots = []
    for truth_file in sorted(truth_dir.glob("*.json")):
        if truth_file.stem in held:
            continue
        truth = json.loads(truth_file.read_text())
        clip = shared / "pool" / truth["clip"]
        if truth.get("never_cuts") and clip.exists() and truth["frames"] >= 60:
            capture = cv2.VideoCapture(str(clip))
            width = capture.get(cv2.CAP_PROP_FRAME_WIDTH)
            capture.release()
            if width >= 320:
                shots.append((clip, 2, truth["frames"] - 3))
    return shots


class Frames:
    """Frames of source clips, read once per clip in order and kept at the size needed."""

    def __init__(self):
        self.cache = {}  # clip: (capture or None once at its end, frames read so far)

    def get(self, clip, index):
        capture, frames = self.cache.setdefault(clip, (cv2.VideoCapture(str(clip)), []))
        while capture is not None and len(frames) <= index:
            ok, picture = capture.read()
            if not ok:
                capture.release()
                capture = None
                self.cache[clip] = (None, frames)
                break
            frames.append(cv2.resize(picture, (WIDTH * 2, HEIGHT * 2), interpolation=cv2.INTER_AREA))
        return frames[max(0, min(index, len(frames) - 1))]


def motion_blur(picture, dx, dy):
    length = int(min(25, np.hypot(dx, dy)))
    if length < 2:
        return picture
    kernel = np.zeros((length * 2 + 1, length * 2 + 1), np.float32)
    cv2.line(kernel, (length - int(dx / 2), length - int(dy / 2)), (length + int(dx / 2), length + int(dy / 2)), 1.0, 1)
    return cv2.filter2D(picture, -1, kernel / kernel.sum())


def handheld(shot, start, n, frames, rng):
    """A 55-70% window over the source (2x output size), moving fast with shake and roll."""
    scale = rng.uniform(0.55, 0.7)
    w, h = int(2 * WIDTH * scale), int(2 * HEIGHT * scale)
    x, y = rng.uniform(0, 2 * WIDTH - w), rng.uniform(0, 2 * HEIGHT - h)
    vx, vy, roll = rng.uniform(-20, 20), rng.uniform(-12, 12), 0.0
    out = []
    for i in range(n):
        vx = 0.8 * vx + rng.uniform(-14, 14)
        vy = 0.8 * vy + rng.uniform(-9, 9)
        x, y = x + vx, y + vy
        if not 0 <= x <= 2 * WIDTH - w:
            vx, x = -vx, min(max(x, 0), 2 * WIDTH - w)
        if not 0 <= y <= 2 * HEIGHT - h:
            vy, y = -vy, min(max(y, 0), 2 * HEIGHT - h)
        roll = 0.85 * roll + rng.uniform(-1.2, 1.2)
        source = frames.get(shot[0], start + i)
        matrix = cv2.getRotationMatrix2D((x + w / 2, y + h / 2), roll, 1.0)
        turned = cv2.warpAffine(source, matrix, (2 * WIDTH, 2 * HEIGHT), borderMode=cv2.BORDER_REFLECT)
        window = cv2.resize(turned[int(y):int(y) + h, int(x):int(x) + w], (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
        out.append(motion_blur(window, vx * WIDTH / w, vy * HEIGHT / h))
    return out


def oldfilm(shot, start, n, frames, rng):
    """Grey, grainy, flickering (gain 0.6-1.4 a frame), weaving, with scratches and dust."""
    scratches = [[rng.uniform(0, WIDTH), rng.randint(5, 40)] for _ in range(rng.randint(1, 3))]
    noise = np.random.default_rng(rng.randint(0, 1 << 30))
    out = []
    for i in range(n):
        source = cv2.resize(frames.get(shot[0], start + i), (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
        grey = cv2.cvtColor(source, cv2.COLOR_BGR2GRAY).astype(np.float32)
        grey = grey * rng.uniform(0.6, 1.4) + rng.uniform(-25, 25)
        grey += noise.normal(0, 10, grey.shape).astype(np.float32)
        for s in scratches:
            s[0] += rng.uniform(-3, 3)
            s[1] -= 1
            if s[1] <= 0:  # a scratch lasts a while, then another appears elsewhere
                s[0], s[1] = rng.uniform(0, WIDTH), rng.randint(5, 40)
            cv2.line(grey, (int(s[0]), 0), (int(s[0]), HEIGHT), rng.choice([20.0, 235.0]), 1)
        for _ in range(rng.randint(0, 4)):
            cv2.circle(grey, (rng.randrange(WIDTH), rng.randrange(HEIGHT)), rng.randint(1, 4), rng.choice([10.0, 240.0]), -1)
        weave = np.float32([[1, 0, rng.uniform(-3, 3)], [0, 1, rng.uniform(-4, 4)]])
        grey = cv2.warpAffine(np.clip(grey, 0, 255).astype(np.uint8), weave, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REPLICATE)
        sepia = cv2.merge([grey, grey, grey]).astype(np.float32) * np.float32([0.85, 0.95, 1.05])
        out.append(np.clip(sepia, 0, 255).astype(np.uint8))
    return out


def entering(shot, start, n, frames, rng, other):
    """A fixed frame (the source's first frame held, or the source playing on from a static camera)
    into which an object of 35-60% the picture's height slides fast, across and out."""
    held = rng.random() < 0.5
    patch_h = int(HEIGHT * rng.uniform(0.35, 0.6))
    patch_w = int(patch_h * rng.uniform(0.6, 1.4))
    source = cv2.resize(frames.get(other[0], other[1] + 10), (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    px, py = rng.randrange(0, WIDTH - patch_w), rng.randrange(0, HEIGHT - patch_h)
    patch = source[py:py + patch_h, px:px + patch_w]
    mask = np.zeros((patch_h, patch_w), np.float32)
    cv2.ellipse(mask, (patch_w // 2, patch_h // 2), (patch_w // 2 - 1, patch_h // 2 - 1), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (7, 7), 0)[..., None]
    y = rng.randrange(0, HEIGHT - patch_h)
    direction = rng.choice([-1, 1])
    speed = (WIDTH + patch_w) / rng.uniform(12, 30)  # crosses in half a second to over a second
    enter_at = rng.randint(3, max(4, n // 3))
    out = []
    for i in range(n):
        background = cv2.resize(frames.get(shot[0], start + (0 if held else i)), (WIDTH, HEIGHT),
                                interpolation=cv2.INTER_AREA).astype(np.float32)
        travelled = (i - enter_at) * speed
        x = int(-patch_w + travelled) if direction > 0 else int(WIDTH - travelled)
        if i >= enter_at and -patch_w < x < WIDTH:
            x0, x1 = max(0, x), min(WIDTH, x + patch_w)
            region = background[y:y + patch_h, x0:x1]
            p, m = patch[:, x0 - x:x1 - x].astype(np.float32), mask[:, x0 - x:x1 - x]
            background[y:y + patch_h, x0:x1] = region * (1 - m) + p * m
        out.append(motion_blur(background.astype(np.uint8), direction * speed * 0.5, 0))
    return out


def underwater(shot, start, n, frames, rng):
    """Ripples (a moving sine displacement of 4-9 px), caustic light, blue-green tint, slow drift."""
    amplitude, wavelength, speed = rng.uniform(4, 9), rng.uniform(30, 70), rng.uniform(0.15, 0.35)
    gy, gx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    out = []
    for i in range(n):
        zoom = 1.0 + 0.004 * i
        source = frames.get(shot[0], start + i)
        matrix = cv2.getRotationMatrix2D((WIDTH, HEIGHT), 0.3 * np.sin(i * 0.1), 0.5 * zoom)
        base = cv2.warpAffine(source, matrix, (2 * WIDTH, 2 * HEIGHT))[HEIGHT // 2:HEIGHT // 2 + HEIGHT,
                                                                      WIDTH // 2:WIDTH // 2 + WIDTH]
        phase = i * speed * 2 * np.pi
        map_x = gx + amplitude * np.sin(2 * np.pi * gy / wavelength + phase)
        map_y = gy + amplitude * 0.6 * np.cos(2 * np.pi * gx / (1.3 * wavelength) + 0.7 * phase)
        wavy = cv2.remap(base, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT).astype(np.float32)
        caustic = 1.0 + 0.12 * np.sin(gx / 17 + phase) * np.sin(gy / 13 - 0.8 * phase)
        tinted = wavy * caustic[..., None] * np.float32([1.15, 1.0, 0.55]) + np.float32([25, 15, 0])
        out.append(np.clip(tinted, 0, 255).astype(np.uint8))
    return out


def make(seed, segments, shots, out):
    rng = random.Random(seed)
    frames = Frames()
    pictures, truth = [], {"cuts": [], "gradual": [], "flashes": [], "segments": []}
    previous = None
    for k in range(segments):
        kind = KINDS[(k + seed) % len(KINDS)] if k < len(KINDS) else rng.choice(KINDS)
        # A jump cut: the hand-held camera, later, pointing elsewhere in the same scene (the window starts
        # anew). Not in a visualiser, whose every frame is new anyway.
        jump = (previous is not None and previous[1] == "handheld" and "lebiniou" not in previous[0][0].name
                and rng.random() < 0.5)
        n = rng.randint(30, 75)
        if jump and previous[2] + 20 + n <= previous[0][2]:  # the later part must still be in the shot
            shot, kind = previous[0], previous[1]
            start = rng.randint(previous[2] + 20, min(previous[2] + 60, previous[0][2] - n))
        else:
            jump = False
            fitting = [s for s in shots if s[2] - s[1] >= n and (previous is None or s[0] != previous[0][0])]
            shot = rng.choice(fitting)
            start = rng.randint(shot[1], shot[2] - n)
        other = rng.choice([s for s in shots if s[0] != shot[0]])
        made = (entering(shot, start, n, frames, rng, other) if kind == "entering"
                else globals()[kind](shot, start, n, frames, rng))
        dissolve = previous is not None and not jump and not truth["gradual"] and k >= segments // 2
        if dissolve:  # one 10-frame dissolve a composite: transitions must still be found
            tail = pictures[-10:]
            del pictures[-10:]
            first = len(pictures)
            for i in range(10):
                alpha = (i + 1) / 11
                pictures.append(cv2.addWeighted(tail[i], 1 - alpha, made[i], alpha, 0))
            truth["gradual"].append([first, len(pictures) - 1])
            made = made[10:]
        elif previous is not None:
            truth["cuts"].append(len(pictures))
        if kind in ("handheld", "underwater") and n >= 40 and rng.random() < 0.4:
            at = rng.randint(12, len(made) - 12)  # a 1-2 frame flash (a camera flash, lightning)
            length = rng.randint(1, 2)
            for i in range(at, at + length):
                made[i] = cv2.addWeighted(made[i], 0.25, np.full_like(made[i], 255), 0.75, 0)
            truth["flashes"].append([len(pictures) + at, len(pictures) + at + length - 1])
        truth["segments"].append([len(pictures), kind + (" (jump cut)" if jump else ""), shot[0].name])
        pictures.extend(made)
        previous = (shot, kind, start + n)

    path = out / "clips" / f"hard-{seed}.mp4"
    command = ["ffmpeg", "-y", "-nostats", "-hide_banner", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS), "-i", "pipe:0", "-c:v", "libx264", "-preset", "veryfast",
               "-crf", "20", "-g", "50", "-pix_fmt", "yuv420p", str(path)]
    subprocess.run(command, input=b"".join(np.ascontiguousarray(p).tobytes() for p in pictures), check=True)
    (out / "truth" / f"hard-{seed}.json").write_text(json.dumps({
        "clip": path.name, "frames": len(pictures), "fps": f"{FPS}/1",
        "cuts": truth["cuts"], "gradual": truth["gradual"], "flashes": truth["flashes"],
        "segments": truth["segments"],
        "source": f"tools/make_hard_scene_cases.py --seed {seed}",
        "notes": "Generated: every segment is one shot (hand-held motion, old-film flicker, objects entering, "
                 "underwater wobble); segments are joined by hard cuts (some jump cuts within one source) and one "
                 "10-frame dissolve; flashes inside segments.",
    }, indent=1) + "\n")
    print(f"{path}: {len(pictures)} frames, {len(truth['cuts'])} cuts, {len(truth['gradual'])} dissolves, "
          f"{len(truth['flashes'])} flashes")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=pathlib.Path, required=True)
    parser.add_argument("--seed", type=int, action="append", help="one composite per seed (default: 1 and 2)")
    parser.add_argument("--segments", type=int, default=10)
    parser.add_argument("--shared", type=pathlib.Path, default=ROOT.parent / "shared" / "media")
    args = parser.parse_args()
    (args.out / "clips").mkdir(parents=True, exist_ok=True)
    (args.out / "truth").mkdir(parents=True, exist_ok=True)
    shots = source_shots(args.shared) + pool_shots(args.shared)
    for seed in args.seed or [1, 2]:
        make(seed, args.segments, shots, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
