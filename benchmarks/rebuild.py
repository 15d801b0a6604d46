"""Our share of a `serve` rebuild, in one process: the dirty rebuilds after an edit of one session record.

    python benchmarks/rebuild.py SITE [--edits N] [--profile OUT] [--plain]

SITE is a folder `run.py` (or `synth.py`) made, such as /tmp/pj-bench/1000. MkDocs is driven
as `pjournal serve` drives it (a dirty build after each edit, the config loaded again, the
plugin kept with its caches), without the HTTP server and its file watcher: when the plugin asks
for the rest of the site after the edited page (`JournalPlugin.on_post_build`), the rebuild is
run here at once. The title of the middle session record gets a word appended, N times; each
rebuild is timed whole, and the plugin's `on_config` within it. The record is put back
afterwards. `run.py`'s serve latency measures the watcher and the server too.

With `--plain`, the same for the equal plain site (SITE/plain, no plugin): the heading of its
middle session page is edited, and each dirty rebuild MkDocs makes is timed: MkDocs' own floor.

With `--zensical`, our part of `pjournal serve` on Zensical: a Zensical site made by `pjournal init
--engine zensical` in a temporary folder, with SITE's journal, and each render of the journal into
its docs after an edit timed, with what serve keeps between renders and (`--zensical-cold`) without.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build
from mkdocs.config import load_config

from generator import zensical_site
from generator.plugin import JournalPlugin

SERVE_URL = "http://127.0.0.1:8000/"


class Asked:
    """Stands in for the server's watch: notes that the plugin asked for another rebuild."""

    def __init__(self) -> None:
        self.asked = False

    def rebuild(self) -> None:
        self.asked = True

    def stop(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the edits' rebuilds here")
    parser.add_argument("--plain", action="store_true", help="time MkDocs' dirty rebuilds of SITE/plain instead")
    parser.add_argument("--zensical", action="store_true", help="time our renders for Zensical's serve instead")
    parser.add_argument("--zensical-cold", action="store_true", help="the same, keeping nothing between renders")
    args = parser.parse_args()
    if args.plain:
        return plain(args.site.resolve() / "plain", args.edits)
    if args.zensical or args.zensical_cold:
        return zensical(args.site.resolve(), args.edits, kept=not args.zensical_cold)
    site = args.site.resolve()
    os.chdir(site)
    site_dir = tempfile.mkdtemp(prefix="pj-rebuild-")
    watch = Asked()
    timings: dict[str, float] = {}

    on_config = JournalPlugin.on_config

    def timed(self: Any, config: Any) -> Any:
        start = time.perf_counter()
        try:
            return on_config(self, config)
        finally:
            timings["on_config"] = time.perf_counter() - start

    JournalPlugin.on_config = timed  # type: ignore[method-assign]  # before MkDocs registers the plugin's events

    def rebuild() -> Any:
        config = load_config(str(site / "mkdocs.yml"), site_dir=site_dir)
        config.site_url = SERVE_URL
        config.plugins["partnership-journal"].journal_watch = watch
        start = time.perf_counter()
        build(config, serve_url=SERVE_URL, dirty=True)
        timings["build"] = time.perf_counter() - start
        return config

    first = load_config(str(site / "mkdocs.yml"), site_dir=site_dir)
    first.site_url = SERVE_URL
    first.plugins.on_startup(command="serve", dirty=True)
    start = time.perf_counter()
    build(first, serve_url=SERVE_URL, dirty=True)
    print(f"first build: {time.perf_counter() - start:.3f} s")
    records = sorted((site / "journal" / "sessions").rglob("*.yaml"))
    record = records[len(records) // 2]
    original = record.read_text(encoding="utf-8")
    profile = cProfile.Profile() if args.profile else None
    try:
        for edit in range(1, args.edits + 1):
            record.write_text(_titled(original, f"edit{edit}"), encoding="utf-8")
            shown = []
            watch.asked = True
            while watch.asked:  # the edit's rebuild, and each one the plugin then asks for
                watch.asked = False
                if profile:
                    profile.enable()
                rebuild()
                if profile:
                    profile.disable()
                shown.append(f"rebuild {timings['build']:.3f} s (on_config {timings['on_config']:.3f} s)")
            print(f"edit {edit}: " + "; then ".join(shown))
    finally:
        record.write_text(original, encoding="utf-8")
    if profile:
        profile.dump_stats(args.profile)


def _titled(record: str, word: str) -> str:
    """A session record with a word appended to its title line."""
    lines = record.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    lines[at] = f"{lines[at].rstrip()} {word}\n"
    return "".join(lines)


def zensical(site: Path, edits: int, kept: bool) -> None:
    """Our renders into a Zensical site's docs after an edit of one session record, as `pjournal serve` makes them there."""
    folder = Path(tempfile.mkdtemp(prefix="pj-rebuild-zensical-"))
    try:
        subprocess.run([sys.executable, "-m", "generator.cli", "init", "--engine", "zensical", str(folder / "site")],
                       check=True, capture_output=True)  # fmt: skip
        shutil.rmtree(folder / "site/journal")
        (folder / "site/journal").symlink_to(site / "journal")
        config = folder / "site/zensical.toml"
        served = zensical_site.load_site(config, folder / "site/journal", False, ())
        state = zensical_site._Kept() if kept else None
        records = sorted((site / "journal" / "sessions").rglob("*.yaml"))
        record = records[len(records) // 2]
        original = record.read_text(encoding="utf-8")
        try:
            for edit in range(edits + 1):  # the first render is the server's start
                if edit:
                    record.write_text(_titled(original, f"edit{edit}"), encoding="utf-8")
                start = time.perf_counter()
                zensical_site._rendered(served, state)
                print(f"{'edit ' + str(edit) if edit else 'first render'}: {time.perf_counter() - start:.3f} s"
                      + ("" if kept else " (nothing kept)"))
        finally:
            record.write_text(original, encoding="utf-8")
    finally:
        shutil.rmtree(folder)


def plain(site: Path, edits: int) -> None:
    """MkDocs' dirty rebuilds of the plain site after an edit of one page's heading, as `mkdocs serve --dirty` makes them."""
    os.chdir(site)
    site_dir = tempfile.mkdtemp(prefix="pj-rebuild-plain-")

    def rebuild(first: bool = False) -> float:
        config = load_config(str(site / "mkdocs.yml"), site_dir=site_dir)
        config.site_url = SERVE_URL
        if first:
            config.plugins.on_startup(command="serve", dirty=True)
        start = time.perf_counter()
        build(config, serve_url=SERVE_URL, dirty=True)
        return time.perf_counter() - start

    print(f"first build: {rebuild(first=True):.3f} s")
    pages = sorted((site / "docs" / "sessions").glob("*.md"))
    page = pages[len(pages) // 2]
    original = page.read_text(encoding="utf-8")
    try:
        for edit in range(1, edits + 1):
            page.write_text(re.sub(r"^(# .*)$", lambda m: f"{m.group(1)} edit{edit}", original, count=1, flags=re.M),
                            encoding="utf-8")  # fmt: skip
            print(f"edit {edit}: rebuild {rebuild():.3f} s")
    finally:
        page.write_text(original, encoding="utf-8")


if __name__ == "__main__":
    main()
