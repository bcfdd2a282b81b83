#!/usr/bin/env python3
"""A seeded mutation campaign: hostile variants of the shared clips through `pressreel run`.

The first seconds of every clip in ../shared/media/clips (stream-copied, so every container and codec
stays) are mutated the ways damaged and crafted files come: bits flipped, cut short, a range duplicated,
zeroed or swapped, the header alone. One `pressreel run` takes them all, and the campaign expects: exit code 0 or 1, no crashed or killed worker, no sanitizer report, no
hang (a clip stopped by its watchdog counts as one), and every file accounted for: ok, failed with a
stage and a cause, or skipped with a reason, in the --json summary and the JUnit report alike.

The seed is printed first; pass it back with --seed to replay a campaign file for file.
The batch runs every clip in its own process by default (--no-isolation, as CI runs it, keeps them in one):
in one process a crash or sanitizer report ends the whole batch, so nothing can hide behind a failed
clip, and the campaign spends its time on reading hostile input instead of starting ~200 sanitized
workers (about 40% of its time under ASan). Workers under the sanitizers are tested by test_clip_isolation
and test_crashers.

Standard library only; needs the ffmpeg CLI (as the tests do). Exit 0 = held (or skipped: no clips).

  tools/sanitize/mutation_campaign.py --pressreel build-sanitize/pressreel [--seed N] [--count 208]
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer")
KINDS = ["flip", "truncate", "duplicate", "zero", "header", "swap", "flip-head", "zero-head"]


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One mutation of `data` of the given kind, every choice drawn from `rng`."""
    b = bytearray(data)
    n = len(b)
    span = lambda most: rng.randint(1, max(1, min(most, n // 4)))
    if kind in ("flip", "flip-head"):
        # zzuf's default ratio and around it; "-head" keeps to the first 8 KiB, where headers are.
        limit = n if kind == "flip" else min(n, 8192)
        for _ in range(max(1, int(limit * rng.choice([0.0005, 0.002, 0.004, 0.01])))):
            b[rng.randrange(limit)] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        del b[rng.randint(max(1, n // 100), n - 1):]
    elif kind == "duplicate":
        length = span(65536)
        start = rng.randrange(n - length + 1)
        b[rng.randrange(n):0] = b[start:start + length]
    elif kind in ("zero", "zero-head"):
        length = span(65536 if kind == "zero" else 512)
        start = rng.randrange((n if kind == "zero" else min(n, 8192)) - length + 1) if n > length else 0
        b[start:start + length] = bytes(length)
    elif kind == "header":
        del b[rng.randint(64, min(n - 1, 16384)):]
    elif kind == "swap":
        length = span(16384)
        first, second = sorted(rng.randrange(n - length + 1) for _ in range(2))
        if second - first >= length:
            b[first:first + length], b[second:second + length] = b[second:second + length], b[first:first + length]
    return bytes(b)


def short_copy(clip: Path, out: Path, seconds: float) -> bytes:
    """The clip's first seconds with every stream, copied, not re-encoded; its first MiB if that fails."""
    result = subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-map", "0", "-c", "copy",
                             "-t", str(seconds), "-fflags", "+bitexact", str(out)], capture_output=True)
    if result.returncode == 0 and out.exists() and out.stat().st_size > 0:
        return out.read_bytes()
    print(f"  {clip.name}: no short copy ({result.stderr.decode(errors='replace').strip()[:200]}); using its first MiB")
    return clip.read_bytes()[:1 << 20]


def make_corpus(clips: list, work: Path, count: int, seed: int, seconds: float) -> dict:
    """COUNT mutated files under work/in/<clip stem>/, round robin over clips and kinds: {path: kind}."""
    rng = random.Random(seed)
    sources = []
    (work / "src").mkdir(parents=True)
    for clip in clips:
        sources.append((clip, short_copy(clip, work / "src" / clip.name, seconds)))
    made = {}
    for i in range(count):
        clip, data = sources[i % len(sources)]
        kind = KINDS[(i // len(sources)) % len(KINDS)]
        path = work / "in" / clip.stem / f"{i:03d}-{kind}{clip.suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(mutate(data, kind, rng))
        made[str(path.resolve())] = kind
    return made


def run_batch(pressreel: Path, work: Path, jobs: int, timeout: float, isolation: bool):
    """`pressreel run` over the corpus: (exit code or None on a hang, summary, stderr text)."""
    command = [str(pressreel), "--log-level", "warn", "run", str(work / "in"), "-o", str(work / "out"),
               "--pipeline", str(ROOT / "tools/sanitize/mutation.toml"), "--jobs", str(jobs), "--json",
               "--report", str(work / "junit.xml")] + ([] if isolation else ["--no-isolation"])
    # A session of its own: on a hang, the workers go down with the batch.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, None, err.decode(errors="replace")
    try:
        summary = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        summary = None
    return process.returncode, summary, err.decode(errors="replace")


def check(made: dict, rc, summary, stderr: str, junit: Path) -> list:
    """Every way the campaign did not hold, one line each."""
    problems = []
    if rc is None:
        return ["HANG: the batch did not finish in time"]
    if rc not in (0, 1):
        problems.append(f"exit code {rc} (expected 0 or 1)")
    reports = [line for line in stderr.splitlines() if SANITIZER_REPORT.search(line)]
    problems += [f"SANITIZER: {line}" for line in reports[:20]]
    if summary is None:
        return problems + ["no --json summary"]
    seen = {}
    for c in summary["clips"]:
        seen[os.path.realpath(c["source"])] = c
        if c["status"] != "failed":
            continue
        error = c.get("error") or ""
        if not c.get("stage") or not error:
            problems.append(f"FAILED WITHOUT STAGE OR CAUSE: {c['source']}")
        if "crashed (" in error or "worker exited with status" in error or "over the memory limit" in error:
            problems.append(f"CRASH: {error}")
        if "watchdog" in error or "time budget ran out" in error:
            problems.append(f"HANG: {error}")
    for s in summary["skipped"]:
        seen[os.path.realpath(s["path"])] = s
        if not s.get("reason"):
            problems.append(f"SKIPPED WITHOUT REASON: {s['path']}")
    problems += [f"NOT ACCOUNTED FOR: {path}" for path in sorted(set(made) - set(seen))]
    cases = junit.read_text(errors="replace").count("<testcase ") if junit.exists() else -1
    if cases != len(summary["clips"]):
        problems.append(f"JUnit report has {cases} test cases for {len(summary['clips'])} clips")
    return problems


def tally(made: dict, summary) -> None:
    """Outcomes by mutation kind, and the stages the failures stopped in."""
    if summary is None:
        return
    by_kind, stages = {}, {}
    outcomes = {os.path.realpath(c["source"]): c["status"] for c in summary["clips"]}
    outcomes.update({os.path.realpath(s["path"]): "skipped" for s in summary["skipped"]})
    for path, kind in made.items():
        counts = by_kind.setdefault(kind, {})
        counts[outcomes.get(path, "missing")] = counts.get(outcomes.get(path, "missing"), 0) + 1
    for c in summary["clips"]:
        if c["status"] == "failed":
            stages[c["stage"]] = stages.get(c["stage"], 0) + 1
    for kind in KINDS:
        print(f"  {kind:10} " + ", ".join(f"{n} {status}" for status, n in sorted(by_kind.get(kind, {}).items())))
    print("  failed in stage: " + ", ".join(f"{stage} {n}" for stage, n in sorted(stages.items())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pressreel", type=Path, default=ROOT / "build-sanitize/pressreel")
    parser.add_argument("--clips", type=Path, default=ROOT.parent / "shared/media/clips")
    parser.add_argument("--seed", type=int, default=None, help="replay a campaign (default: a new seed)")
    parser.add_argument("--count", type=int, default=208, help="mutated files (default 208)")
    parser.add_argument("--seconds", type=float, default=2.0, help="of each clip mutated (default 2)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-isolation", dest="isolation", action="store_false",
                        help="every clip in the batch's one process (see above)")
    # Generous: a clip that hangs is stopped by its own watchdog (mutation.toml's [limits]) long before;
    # this only catches a batch that never ends.
    parser.add_argument("--timeout", type=float, default=900, help="seconds the batch may take (default 900)")
    parser.add_argument("--keep", type=Path, help="make the corpus and the output here, and keep them")
    args = parser.parse_args()

    clips = sorted(p for p in args.clips.glob("*") if p.is_file()) if args.clips.is_dir() else []
    if not clips:
        print(f"mutation campaign: SKIPPED, no clips in {args.clips}")
        return 0
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    mode = "a worker per clip" if args.isolation else "one process"
    print(f"mutation campaign: seed {seed} ({args.count} files from {len(clips)} clips, {mode}; "
          f"replay with --seed {seed})", flush=True)
    with tempfile.TemporaryDirectory(prefix="pressreel-mutation-") as temporary:
        work = args.keep or Path(temporary)
        started = time.monotonic()
        made = make_corpus(clips, work, args.count, seed, args.seconds)
        made_seconds = time.monotonic() - started
        rc, summary, stderr = run_batch(args.pressreel.resolve(), work, args.jobs, args.timeout, args.isolation)
        run_seconds = time.monotonic() - started - made_seconds
        problems = check(made, rc, summary, stderr, work / "junit.xml")
        print(f"mutation campaign: corpus in {made_seconds:.0f} s, run in {run_seconds:.0f} s, exit code {rc}")
        tally(made, summary)
        if problems:
            print(f"mutation campaign: FAILED (seed {seed}): {len(problems)} problems")
            for p in problems:
                print(f"  {p}")
            tail = [line for line in stderr.splitlines() if line.strip()][-40:]
            print("  last lines of the batch's stderr:\n    " + "\n    ".join(tail))
            return 1
    print(f"mutation campaign: held (seed {seed}): 0 crashes, 0 sanitizer reports, 0 hangs, "
          f"{len(made)} files accounted for")
    return 0


if __name__ == "__main__":
    sys.exit(main())
