"""The journal on Zensical, which runs no third-party plugin: `pjournal` renders, Zensical builds.

`pjournal build` renders the pages (render -o's files: output.journal_files) into a folder of
docs that it owns, `docs/<prefix>`, protected by render's manifest (a folder holding files it
did not write is refused), then runs `zensical build`. `pjournal serve` runs `zensical serve`
and renders again on every change of a record: Zensical sees the changed pages and reloads
them; the pages of deleted sessions are removed, as render -o removes its own stale files.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


from . import engines
from .errors import JournalError, LocatedError, UserError
from .folders import remove_tree, shown, site_folder_problem, temp_folder
from .load import load_journal
from .markup import error_banner
from .output import Written, clean_prefix, journal_files, sidebar, write_files
from .publish import Kept, Options, publish, published_journal
from .render import render_site
from .validate import validate

#: How often `serve` looks for changed records: an edit reaches the page within about a second.
POLL_SECONDS = 0.25


@dataclass(frozen=True)
class ZensicalSite:
    """What `pjournal` needs of a Zensical site: its folders, URL style and journal settings."""

    config: Path
    site_name: str
    docs_dir: Path
    site_dir: Path
    directory_urls: bool
    journal_dir: Path
    prefix: str
    drafts: bool
    redact: tuple[str, ...]
    lists_plugin: bool  # its config lists our plugin, which Zensical ignores
    nav: Any  # the config's own, if any


def load_site(config: Path, journal_dir: Path, drafts: bool, redact_patterns: tuple[str, ...]) -> ZensicalSite:
    """A Zensical site's settings; the plugin's options in its config (journal_dir, prefix, drafts, redact),
    which Zensical ignores, are ours to honour."""
    data = engines.read_config(config)
    root = config.parent
    options = engines.plugin_settings(data, engines.PLUGIN)
    settings = options or {}
    journal = root / settings["journal_dir"] if isinstance(settings.get("journal_dir"), str) else journal_dir
    extra = settings.get("redact") if isinstance(settings.get("redact"), list) else []
    return ZensicalSite(
        config=config, site_name=str(data.get("site_name") or "Journal"),
        docs_dir=root / str(data.get("docs_dir") or "docs"), site_dir=root / str(data.get("site_dir") or "site"),
        directory_urls=data.get("use_directory_urls", True) is not False, journal_dir=journal,
        prefix=clean_prefix(str(settings.get("prefix", "journal"))), drafts=drafts or settings.get("drafts") is True,
        redact=(*map(str, extra), *redact_patterns), lists_plugin=options is not None, nav=data.get("nav"),
    )  # fmt: skip


def nav_hint(site: ZensicalSite) -> str | None:
    """For a site whose `nav` leaves out the journal (or that has none: Zensical then lists every page,
    every session too): the journal's section to add to it."""
    overview = posixpath.join(site.prefix, "index.md")
    if site.nav and overview in json.dumps(site.nav):
        return None
    why = "leaves out the journal" if site.nav else "has no nav, so the sidebar lists every page (every session too)"
    return f"{shown(site.config)} {why}; add the journal's compact section: {nav_text(site)}"


def nav_text(site: ZensicalSite) -> str:
    """The journal's nav section as zensical.toml (or mkdocs.yml, the same as JSON) writes it."""
    pages = render_site(published_journal(_options(site)), directory_urls=site.directory_urls)
    items = sidebar(pages, site.prefix, site.directory_urls)
    if site.config.suffix == ".toml":
        return "nav = [" + ", ".join(toml_value(item) for item in items) + "]"
    return "nav: " + json.dumps(items, ensure_ascii=False)  # JSON is YAML


def _options(site: ZensicalSite) -> Options:
    """The publication's options, from the site's config and the command line."""
    return Options(site.journal_dir, prefix=site.prefix, drafts=site.drafts, redact=site.redact,
                   directory_urls=site.directory_urls, site_name=site.site_name)  # fmt: skip


def render_into_docs(site: ZensicalSite) -> tuple[Written, list[LocatedError]]:
    """The journal's pages written into docs/<prefix>, its own stale pages removed; what was done, and the
    journal's warnings. Raises JournalError (a record) or OutputError (a folder it did not write) before
    anything is written."""
    files, warnings = _rendered(site, None)
    return write_files(files, site.docs_dir, prefix=site.prefix), warnings


def _rendered(site: ZensicalSite, kept: Kept | None) -> tuple[dict[str, str], list[LocatedError]]:
    """The journal's files for docs/<prefix>, by path, and the journal's warnings."""
    publication = publish(_options(site), kept)
    return journal_files(publication, site.directory_urls), publication.warnings


def with_banner(files: dict[str, str], problems: list[str]) -> dict[str, str]:
    """The last good pages with the journal's errors at the top of each (after its front matter),
    while a preview waits for a record to be fixed; other files as they are."""
    banner = error_banner(problems)

    def marked(text: str) -> str:
        if text.startswith("---\n") and (end := text.find("\n---\n", 4)) != -1:
            return text[: end + 5] + "\n" + banner + text[end + 5 :]
        return banner + text

    return {uri: marked(text) if uri.endswith(".md") else text for uri, text in files.items()}


def command() -> list[str]:
    """How to run Zensical: from this Python when it is installed here, else the `zensical` on PATH."""
    import importlib.util

    if importlib.util.find_spec("zensical") is not None:
        return [sys.executable, "-m", "zensical.main"]
    found = shutil.which("zensical")
    if found is None:
        raise engines.EngineError(f"zensical is not installed here; {engines.ZENSICAL.install}")
    return [found]


def build(site: ZensicalSite, strict: bool, report: Callable[[str], None]) -> None:
    """Render the journal into docs, then `zensical build`; its output goes to the terminal as it comes.

    Under `strict` a warning about a record stops the build before Zensical runs.
    """
    problem = site_folder_problem(str(site.config), site.docs_dir, site.journal_dir, site.site_dir,
                                  shown(site.site_dir))  # fmt: skip
    if problem is not None:
        raise UserError(problem)
    _written, warnings = render_into_docs(site)
    for warning in warnings:
        report(str(warning))
    if strict and warnings:
        raise UserError(f"{len(warnings)} warning(s) about the journal, and --strict")
    done = subprocess.run([*command(), "build", "-f", str(site.config), *(["--strict"] if strict else [])],
                          cwd=site.config.parent, check=False)  # fmt: skip
    if done.returncode != 0:
        raise UserError(f"zensical build failed (exit code {done.returncode})")


def serve(site: ZensicalSite, dev_addr: str | None, report: Callable[[str], None]) -> None:
    """`zensical serve`, with the journal rendered again into docs whenever a record changes.

    A record with an error is reported, and the last good pages stay served with the errors at
    the top of each; fixing it brings the pages back. Runs until interrupted (Ctrl-C, SIGTERM), then stops Zensical.
    """
    kept = Kept()
    good, warnings = _rendered(site, kept)
    write_files(good, site.docs_dir, prefix=site.prefix)
    for warning in warnings:
        report(str(warning))
    process = subprocess.Popen([*command(), "serve", "-f", str(site.config), *(["-a", dev_addr] if dev_addr else [])],
                               cwd=site.config.parent)  # fmt: skip
    try:
        last = _snapshot(site.journal_dir)
        while process.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _snapshot(site.journal_dir)
            if now == last:
                continue
            last = now
            try:
                good, _warnings = _rendered(site, kept)
                done = write_files(good, site.docs_dir, prefix=site.prefix)
            except JournalError as e:  # every problem, at the top of the last good pages too
                write_files(with_banner(good, str(e).split("\n")), site.docs_dir, prefix=site.prefix)
                report(f"{e}\nThe last good pages stay served, with the errors at the top of each.")
                continue
            except UserError as e:
                report(f"{e}\nThe last good pages stay served.")
                continue
            report(f"Journal rendered again into {shown(site.docs_dir / site.prefix)}"
                   + (f"; removed {len(done.removed)} page(s) it no longer makes" if done.removed else ""))  # fmt: skip
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if process.returncode not in (0, -15):
        raise UserError(f"zensical serve stopped (exit code {process.returncode})")


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below the journal folder with its modification time and size: a change in one is an edit."""
    found: dict[str, tuple[int, int]] = {}
    for here, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if d != ".schema"]
        for name in names:
            path = os.path.join(here, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def sample_nav(journal: dict[str, str]) -> str:
    """The journal's nav section, as TOML, for a new site's sample journal (its files by path below
    the journal folder; the pages' places in the nav don't depend on the records)."""
    folder = temp_folder()
    try:
        for path, text in journal.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
        pages = render_site(validate(load_journal(folder)))
    finally:
        remove_tree(folder)
    return ", ".join(toml_value(item) for item in sidebar(pages, "journal", True))


def toml_value(value: Any) -> str:
    """A nav item as a TOML inline value: strings, arrays and one-key tables."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
