"""Our share of a `serve` rebuild: the plugin's `on_config` after an edit of one session record.

    python benchmarks/rebuild.py SITE [--edits N]

SITE is a folder `run.py` (or `synth.py`) made, such as /tmp/pj-bench/1000. The plugin is set up
as `pjournal serve` sets it up (a dirty serve, its caches kept between rebuilds); then the title of
the middle session record gets a word appended, N times, and each `on_config` is timed. The
record is put back afterwards. MkDocs' own part of the rebuild and its watcher are left out:
`run.py`'s serve latency measures those too.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from mkdocs.config import load_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    site = args.site.resolve()
    os.chdir(site)
    config = load_config(str(site / "mkdocs.yml"))
    plugin = config.plugins["partnership-journal"]
    plugin.on_startup(command="serve", dirty=True)
    start = time.perf_counter()
    plugin.on_config(config)
    print(f"first build's on_config: {time.perf_counter() - start:.3f} s")
    records = sorted((site / "journal" / "sessions").rglob("*.yaml"))
    record = records[len(records) // 2]
    original = record.read_text(encoding="utf-8")
    try:
        for edit in range(1, args.edits + 1):
            lines = original.splitlines(keepends=True)
            at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
            lines[at] = f"{lines[at].rstrip()} edit{edit}\n"
            record.write_text("".join(lines), encoding="utf-8")
            start = time.perf_counter()
            plugin.on_config(config)
            print(f"edit {edit}: on_config {time.perf_counter() - start:.3f} s")
    finally:
        record.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    main()
