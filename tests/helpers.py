"""Small helpers the tests share."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path
from typing import Callable

from generator.errors import JournalError
from generator.load import load_journal
from generator.model import Journal, validate


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
