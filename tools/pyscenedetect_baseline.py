#!/usr/bin/python3
"""PySceneDetect's default `detect-content` algorithm, reimplemented for comparison with pressreel.

PySceneDetect itself cannot be installed here (only Debian packages are), so this follows its documented
ContentDetector with the default settings (threshold 27, min_scene_len 15 frames, weights 1/1/1/0):
frames are read with OpenCV (PySceneDetect's default backend), shrunk by the integer factor that brings
them to about 256 px wide (its automatic downscale), converted to HSV, and each frame's content value is
the mean of the three channels' mean absolute differences to the previous frame. A cut is the first frame
whose content value reaches the threshold, at least min_scene_len frames after the previous cut (or
after the first frame).

    /usr/bin/python3 tools/pyscenedetect_baseline.py CLIP... -o DIR [--threshold 27] [--min-scene-len 15]

Writes DIR/<clip stem>.json in the form `pressreel eval-scenes --detections DIR` scores
({"clip", "frames", "fps", "seconds", "cuts": [{"frame", "kind": "cut"}]}), and prints one line per clip
with its frames per second (decode included, as PySceneDetect reports its speed).
"""

import argparse
import json
import pathlib
import sys
import time

import cv2
import numpy as np

# PySceneDetect shrinks frames to about this width before comparing them.
DOWNSCALE_TARGET_WIDTH = 256


def content_values(capture):
    """Yields (frame index, content value) for every decoded frame; the first frame's value is 0."""
    previous = None
    factor = None
    index = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            return
        if factor is None:
            factor = max(1, frame.shape[1] // DOWNSCALE_TARGET_WIDTH)
        if factor > 1:
            frame = cv2.resize(frame, (frame.shape[1] // factor, frame.shape[0] // factor), interpolation=cv2.INTER_LINEAR)
        hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV).astype(np.int16)
        value = 0.0
        if previous is not None:
            per_channel = np.abs(hsv - previous).reshape(-1, 3).mean(axis=0)
            value = float(per_channel.mean())
        previous = hsv
        yield index, value
        index += 1


def detect(path, threshold, min_scene_len):
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise RuntimeError(f"{path}: cannot open")
    fps = capture.get(cv2.CAP_PROP_FPS)
    cuts = []
    last_cut = 0
    frames = 0
    started = time.monotonic()
    for index, value in content_values(capture):
        frames = index + 1
        if index > 0 and value >= threshold and index - last_cut >= min_scene_len:
            cuts.append(index)
            last_cut = index
    seconds = time.monotonic() - started
    capture.release()
    return {"clip": path.name, "frames": frames, "fps": fps, "seconds": round(seconds, 3),
            "cuts": [{"frame": f, "kind": "cut"} for f in cuts]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", type=pathlib.Path)
    parser.add_argument("-o", "--out", type=pathlib.Path, required=True, help="folder for <stem>.json")
    parser.add_argument("--threshold", type=float, default=27.0)
    parser.add_argument("--min-scene-len", type=int, default=15)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for clip in args.clips:
        try:
            result = detect(clip, args.threshold, args.min_scene_len)
        except RuntimeError as e:
            print(e, file=sys.stderr)
            failed += 1
            continue
        (args.out / f"{clip.stem}.json").write_text(json.dumps(result, indent=1) + "\n")
        fps = result["frames"] / result["seconds"] if result["seconds"] > 0 else 0.0
        print(f"{clip.name}: {result['frames']} frames, {len(result['cuts'])} cuts, {fps:.1f} fps")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
