#!/usr/bin/env python3
"""Checks that each layer library sees the headers of the layers below it and no others.

For every layer, one of its own source files' compile commands (from compile_commands.json) is used to
preprocess a one-line file that includes a header of each part, public and internal. Headers of the
layers a part links must be found; any other must be "No such file", so that a wrong include fails the
build. The layers as DESIGN.md draws them:

    io, text  <-  media  <-  scenes  <-  stills, preview  <-  batch

    check_layers.py BUILD/compile_commands.json SOURCE_DIR
Exit 0 when every layer sees exactly what it should; 1 with the wrong cases listed.
"""
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

# What each layer's own sources may include (its own part included).
VISIBLE = {
    "io": {"io"},
    "text": {"text"},
    "media": {"media", "text"},
    "scenes": {"scenes", "media"},
    "stills": {"stills", "scenes", "media", "io", "text"},
    "preview": {"preview", "scenes", "media", "io"},
    "batch": {"batch", "stills", "preview", "scenes", "media", "io", "text"},
}


def headers_of(source_dir: Path, part: str):
    """One public and one internal header of `part`, as an #include names them."""
    found = []
    public = sorted((source_dir / "include" / "pressreel" / part).glob("*.hpp"))
    if public:
        found.append(f"pressreel/{part}/{public[0].name}")
    internal = sorted((source_dir / "src" / part).glob("*.hpp"))
    if internal:
        found.append(f"{part}/{internal[0].name}")
    return found


def preprocess_command(entry):
    """The entry's compiler and flags, without its input, output and dependency file."""
    args = shlex.split(entry["command"]) if "command" in entry else list(entry["arguments"])
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-o", "-c", "-MT", "-MF", "-MQ"):
            skip = True
        elif arg in ("-MD", "-MMD") or arg.endswith("ccache") or arg == entry["file"]:
            continue
        else:
            kept.append(arg)
    return kept + ["-E", "-o", "/dev/null"]


def main():
    commands = json.loads(Path(sys.argv[1]).read_text())
    source_dir = Path(sys.argv[2]).resolve()
    wrong = []
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.cpp"
        for layer, visible in VISIBLE.items():
            # A source of the layer, or one of its unity files (build/.../pressreel_<layer>.dir/Unity/).
            entry = next((e for e in commands
                          if f"/src/{layer}/" in e["file"] or f"/pressreel_{layer}.dir/" in e["file"]), None)
            if entry is None:
                wrong.append(f"{layer}: no compile command in {sys.argv[1]}")
                continue
            command = preprocess_command(entry)
            for part in VISIBLE:
                for header in headers_of(source_dir, part):
                    probe.write_text(f'#include "{header}"\n')
                    result = subprocess.run(command + [str(probe)], cwd=entry["directory"], capture_output=True,
                                            text=True)
                    seen = result.returncode == 0
                    if seen != (part in visible):
                        why = "" if seen else result.stderr.strip().splitlines()[0] if result.stderr else ""
                        wrong.append(f"{layer}: {header} {'is visible' if seen else 'is not visible'} {why}")
    for line in wrong:
        print(line)
    print(f"{len(VISIBLE)} layers checked: {'as designed' if not wrong else f'{len(wrong)} wrong'}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
