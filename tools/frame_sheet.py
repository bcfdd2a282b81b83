#!/usr/bin/python3
"""Frame sheets for annotating shot boundaries by eye: every frame of a clip (or a range), small,
each labelled with its 0-based decode index, plus the frames around the largest frame-to-frame jumps
of a plain pixel difference, so a human can look closer there. Nothing here decides a cut.

    /usr/bin/python3 tools/frame_sheet.py CLIP OUT_PREFIX [--width 96] [--cols 12] [--first 0 --last -1]
"""

import argparse
import sys

import cv2
import numpy as np


def read_all(path):
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, picture = capture.read()
        if not ok:
            break
        frames.append(picture)
    capture.release()
    return frames


def tile(frames, indices, width, cols):
    h0, w0 = frames[0].shape[:2]
    height = max(1, round(h0 * width / w0))
    rows = (len(indices) + cols - 1) // cols
    sheet = np.zeros((rows * (height + 14), cols * width, 3), np.uint8)
    for k, i in enumerate(indices):
        y, x = (k // cols) * (height + 14), (k % cols) * width
        sheet[y:y + height, x:x + width] = cv2.resize(frames[i], (width, height), interpolation=cv2.INTER_AREA)
        cv2.putText(sheet, str(i), (x + 2, y + height + 11), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (255, 255, 255), 1)
    return sheet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("clip")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--cols", type=int, default=12)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--last", type=int, default=-1)
    parser.add_argument("--per-sheet", type=int, default=144)
    args = parser.parse_args()
    frames = read_all(args.clip)
    last = len(frames) - 1 if args.last < 0 else min(args.last, len(frames) - 1)
    indices = list(range(args.first, last + 1))
    for n, start in enumerate(range(0, len(indices), args.per_sheet)):
        cv2.imwrite(f"{args.out}-{n}.png", tile(frames, indices[start:start + args.per_sheet], args.width, args.cols))
    small = [cv2.resize(f, (64, max(1, 64 * f.shape[0] // f.shape[1])), interpolation=cv2.INTER_AREA).astype(np.float32)
             for f in frames]
    jumps = [float(np.mean(np.abs(small[i] - small[i - 1]))) for i in range(1, len(small))]
    order = sorted(range(len(jumps)), key=lambda i: -jumps[i])[:6]
    print(f"{args.clip}: {len(frames)} frames; largest pixel jumps (frame: mean |d|, median {np.median(jumps):.1f}):",
          ", ".join(f"{i + 1}: {jumps[i]:.1f}" for i in sorted(order)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
