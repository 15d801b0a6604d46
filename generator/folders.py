"""Folders the tool owns for a while, and places no output may go.

A build makes folders it deletes again: a staging folder beside the site, the old site moved
aside while the new one is swapped in, temporary files in TMPDIR. A run killed half-way leaves
them behind, so each one holds a marker, written first, naming the process that made it; a
later run deletes only folders with that marker whose process is gone. A name alone never
marks a folder as ours: a user's `.site-2025-backup/` is theirs.

A folder a run writes into and leaves, a site or the pages of `render`, carries a manifest
(`Manifest`): each file the run wrote, with the SHA-256 of what it wrote. Nothing a manifest lists
is removed unless it still holds what the manifest says: a manifest copied or written by hand
beside someone's files proves none of them.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import socket
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import UserError, printable

#: The marker of a folder a run of pjournal owns for a while.
MARK = ".pjournal-build"
#: What a marked folder is for: a build's staging folder, the old site moved aside, temporary files.
ROLES = ("staging", "old", "temp")


def mark(folder: Path, role: str) -> None:
    """Claim `folder` for this process (`role` is one of ROLES)."""
    assert role in ROLES
    text = json.dumps({"written_by": "pjournal", "role": role, "pid": os.getpid(), "host": socket.gethostname()})
    (folder / MARK).write_text(text + "\n", encoding="utf-8")


def unmark(folder: Path) -> None:
    (folder / MARK).unlink(missing_ok=True)


def read_marker(path: Path, written_by: str) -> dict[str, Any] | None:
    """A JSON marker file, if there is one that says it was written by `written_by`; None otherwise.

    Only a regular file is opened: a named pipe put in its place would never end."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("written_by") == written_by else None


def claim(folder: Path) -> dict[str, Any] | None:
    """The marker in `folder`, if it holds one that pjournal wrote; None otherwise."""
    data = read_marker(folder / MARK, "pjournal")
    if data is None or data.get("role") not in ROLES:
        return None
    if not isinstance(data.get("pid"), int) or not isinstance(data.get("host"), str):
        return None
    return data


def abandoned(folder: Path) -> str | None:
    """The role of `folder` if it is ours and the process that made it (on this machine) is gone; else None."""
    data = claim(folder)
    if data is None or data["host"] != socket.gethostname() or alive(data["pid"]):
        return None
    return data["role"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_tree(path: Path) -> bool:
    """Delete a folder we own, read-only parts included; whether it is gone.

    A folder made read-only (by a user, or copied from a read-only source) is made writable
    first: else a folder we made would stay behind, undeletable.
    """
    if not path.is_dir() or path.is_symlink():
        return not os.path.lexists(path)
    shutil.rmtree(path, ignore_errors=True)
    if os.path.lexists(path):
        _writable(path)
        for here, dirs, _files in os.walk(path):
            for name in dirs:
                if not os.path.islink(os.path.join(here, name)):
                    _writable(Path(here, name))
        shutil.rmtree(path, ignore_errors=True)
    return not os.path.lexists(path)


def _writable(folder: Path) -> None:
    try:
        folder.chmod(folder.stat().st_mode | stat.S_IRWXU)
    except OSError:
        pass


def temp_folder() -> Path:
    """A new folder in TMPDIR, marked as ours; first, the ones killed runs left there are deleted."""
    clean_temp_folders()
    return new_folder(Path(tempfile.gettempdir()), "pjournal-", "temp")


def clean_temp_folders() -> None:
    remove_abandoned(Path(tempfile.gettempdir()), "pjournal-", "temp")


def new_folder(parent: Path, prefix: str, role: str) -> Path:
    """A new folder in `parent`, its name starting with `prefix`, marked as this process's (`role`)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    mark(folder, role)
    return folder


def remove_abandoned(parent: Path, prefix: str, role: str) -> None:
    """Delete the folders in `parent` named `prefix`... that are marked `role` by a process that is gone."""
    for folder in parent.glob(f"{glob.escape(prefix)}*"):
        if abandoned(folder) == role:
            remove_tree(folder)


class ManifestError(UserError):
    """A manifest that lists a path outside its folder: pjournal never writes one, so nothing is done."""


@dataclass(frozen=True)
class Manifest:
    """The files a run of pjournal wrote into a folder: by path in the folder, the SHA-256 of each.

    Written as JSON, `{"written_by": ..., "note": ..., "files": {path: hash}}`. A run under way
    lists, for each file it may leave changed, every content it may hold until the run is done
    (`{path: [hash, ...]}`): what the last run wrote there, and what this one writes. So at any
    moment the manifest proves each file a run wrote, and a run killed half-way is finished by
    the next. A site built by `pjournal build` carries one (`.pjournal-site`), and so does a
    folder `pjournal render` wrote (`.pjournal-manifest.json`).
    """

    files: Mapping[str, tuple[str, ...]]

    def proves(self, folder: Path, path: str) -> bool:
        """Whether `folder/path` is a regular file that holds what this manifest says was written there."""
        return digest(folder / path) in self.files.get(path, ())


#: The hash of a manifest, and of what a file holds.
HASH = "sha256"


def hash_of(data: bytes) -> str:
    return hashlib.new(HASH, data).hexdigest()


def digest(path: Path) -> str | None:
    """The hash of what a regular file holds; None for anything else (missing, a link, a folder, a pipe)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        with open(path, "rb") as f:
            return hashlib.file_digest(f, HASH).hexdigest()
    except OSError:
        return None


def read_manifest(path: Path, written_by: str) -> Manifest | None:
    """The manifest at `path` if it is one `written_by` wrote; None otherwise (then it proves nothing).

    A manifest anyone can edit: one that lists a path outside its folder (absolute, climbing out
    with `..`, or through a link out) is refused whole, before anything is done (ManifestError).
    """
    data = read_marker(path, written_by)
    if data is None or not isinstance(data.get("files"), dict):
        return None
    files = {}
    for name, held in data["files"].items():
        if not _inside(path.parent, name):
            raise ManifestError(f"{shown(path)} lists '{printable(name)}', a path outside {shown(path.parent)}, which "
                                "pjournal never writes; delete it or choose another folder (nothing was changed)")  # fmt: skip
        hashes = [held] if isinstance(held, str) else held if isinstance(held, list) else []
        files[name] = tuple(h for h in hashes if isinstance(h, str))
    return Manifest(files)


def _inside(folder: Path, name: str) -> bool:
    """Whether `name` is a plain relative path that stays in `folder`, links followed."""
    if not name or name.startswith("/") or any(part in ("", ".", "..") for part in name.split("/")):
        return False
    try:
        return (folder / name).resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError):  # a NUL in the name, a link loop
        return False


def write_manifest(path: Path, files: Mapping[str, Iterable[str]], written_by: str, note: str, scratch: Path) -> None:
    """Write a manifest whole or not at all: into `scratch` (a folder of this run, on the same disk), then moved.

    `files` maps each path to the hashes it may hold; a path with one is written as `path: hash`.
    The same files give the same bytes, so that builds stay byte-identical.
    """
    listed = {name: list(dict.fromkeys(hashes)) for name, hashes in sorted(files.items())}
    data = {"written_by": written_by, "note": note,
            "files": {name: hashes[0] if len(hashes) == 1 else hashes for name, hashes in listed.items()}}  # fmt: skip
    temp = scratch / f"{path.name}.new"
    temp.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temp, path)


def overlap(target: Path, protected: Iterable[tuple[str, Path, bool]]) -> str | None:
    """Why an output folder `target` can't go where it would, or None.

    `protected` holds (what, folder, may hold an output) triples: the output folder may not be
    one of them or hold one, and may lie inside only those that allow it (the folder of
    mkdocs.yml holds `site/` by default). Symbolic links and `..` are resolved first.
    """
    real = target.resolve()
    for what, folder, may_hold in protected:
        other = folder.resolve()
        if real == other:
            return f"is {what}"
        if other.is_relative_to(real):
            return f"would hold {what}"
        if not may_hold and real.is_relative_to(other):
            return f"lies inside {what}"
    return None


def shown(path: Path) -> str:
    """A path as a user would type it here: relative to the working folder when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(absolute)


def site_folder_problem(config_file: str | None, docs_dir: Path, journal_dir: Path, site_dir: Path,
                        name: str) -> str | None:  # fmt: skip
    """Why a site folder (shown to the user as `name`) would put the project's sources at risk; None if it won't.

    A build replaces its site folder whole, so it may not be or hold the folder of the site's config,
    docs_dir or the journal, nor lie inside the last two. It may lie inside the first: the default
    `site/` does.
    """
    protected = [(f"docs_dir ('{shown(docs_dir)}')", docs_dir, False),
                 (f"the journal folder ('{shown(journal_dir)}')", journal_dir, False)]  # fmt: skip
    if config_file:
        folder = Path(config_file).parent
        protected.insert(0, (f"the folder of {Path(config_file).name} ('{shown(folder)}')", folder, True))
    why = overlap(site_dir, protected)
    if why is None:
        return None
    return f"site folder '{name}' {why}, and a build replaces its site folder whole; choose a folder of its own, such as 'site'"
