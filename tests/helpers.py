"""Small helpers the tests share."""

from __future__ import annotations

import posixpath
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable

from generator.errors import JournalError
from generator.load import load_journal
from generator.model import Journal
from generator.validate import validate


def problems(root: Path) -> list[str]:
    """Every error and warning of a journal, as the lines `pjournal check` prints."""
    try:
        journal = validate(load_journal(root))
    except JournalError as e:
        return [str(p) for p in [*e.errors, *e.warnings]]
    return [str(p) for p in journal.warnings]


def valid(root: Path) -> Journal:
    return validate(load_journal(root))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str, count: int = 1) -> str:
    """Replace `old` by `new` in the file at `path` and return the new text.

    `old` must occur exactly `count` times: an edit that finds nothing (the fixture changed) or
    more than was meant fails here, instead of leaving a test that tests nothing.
    """
    text = path.read_text(encoding="utf-8")
    found = text.count(old)
    assert found == count, f"{path}: {old!r} occurs {found} time(s), not {count}"
    text = text.replace(old, new)
    write(path, text)
    return text


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll until `predicate` holds (connection errors count as not yet), at most `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def stop(process: subprocess.Popen, how: signal.Signals = signal.SIGTERM, seconds: float = 10) -> str | bytes:
    """Stop a server as a process manager would (SIGTERM) or Ctrl-C does (`how=signal.SIGINT`),
    killing it if it hangs for `seconds`; what it wrote to a pipe (stdout) is returned, '' if none."""
    process.send_signal(how)
    try:
        output = process.communicate(timeout=seconds)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        output = process.communicate(timeout=10)[0]
    return output or ""


def broken_links(site: Path, under: str = "") -> list[str]:
    """Relative links in the built pages below `site/under` whose file, or id on that page, is missing."""
    broken = []
    ids: dict[Path, set[str]] = {}
    for page in sorted((site / under).rglob("*.html")):
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:|/|#", href):  # other sites, absolute paths (404.html), this page
                continue
            path, _, fragment = href.partition("#")
            target = Path(posixpath.normpath(posixpath.join(page.parent.as_posix(), path)))
            if path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}: no {target}")
            elif fragment and target.suffix == ".html":
                found = ids.setdefault(target, set(re.findall(r'\sid="([^"]+)"', target.read_text(encoding="utf-8"))))
                if fragment not in found:
                    broken.append(f"{page.relative_to(site)} -> {href}: no id {fragment!r}")
    return broken


# Records as data: every place in one, and reading or replacing the value at a place.


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in a record, the record itself (`()`) first."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


def get(record: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        record = record[part]
    return record


def put(record: Any, path: tuple[Any, ...], value: Any) -> Any:
    """`record` with the value at `path` replaced; the new record when `path` is the record itself."""
    if not path:
        return value
    get(record, path[:-1])[path[-1]] = value
    return record
