"""Output folders never eat sources: what `build` and `render` may replace, delete or write over.

1. A site folder that is, holds or lies in the project's sources is refused.
2. A site folder holding files pjournal did not build is refused, or with --force moved aside.
3. Leftovers of killed builds are known by a marker inside, never by their name alone.
4. `render -o` keeps a manifest and removes only its own stale, unchanged files.
5. Read-only folders get one line and exit 1.
6. The site name taken from a folder can't put markup into the pages.
7. `serve` outlives the journal folder being deleted, and sees it when it comes back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import FIXTURES

#: Real sites built and served: left out of the fast loop (see README, Development).
pytestmark = pytest.mark.build
from test_safety import KILL_BETWEEN_RENAMES
from generator.cli import cli
from helpers import edit, fetch, free_port, stop, wait_for, write

MARK = ".pjournal-build"
MANIFEST = ".pjournal-manifest.json"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, hidden ones too, with its bytes (a link as where it points, not followed)."""
    return {p.relative_to(folder).as_posix(): os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}  # fmt: skip


def fails_with(result, line: str) -> None:
    """One error line on stderr, exit code 1, no traceback."""
    assert (result.exit_code, result.stderr) == (1, f"Error: {line}\n"), result.output
    assert "Traceback" not in result.output


def dead_pid() -> int:
    """The id of a process that has ended (and, this soon, is not yet reused)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def project(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site made by `pjournal init s`, with a file of the user's own, and the working folder in it."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "s"]).exit_code == 0
    write(tmp_path / "s/NOTES.txt", "mine\n")
    monkeypatch.chdir(tmp_path / "s")
    return tmp_path / "s"


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` made read-only, for root too: root ignores file modes, so it gets the immutable attribute."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root, and this file system takes no immutable attribute (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# 1. A site folder that is, holds or lies in the project's sources


@pytest.mark.parametrize("site_dir, why", [
    (".", "is the folder of mkdocs.yml ('.')"),
    ("docs", "is docs_dir ('docs')"),
    ("journal", "is the journal folder ('journal')"),
    ("..", "would hold the folder of mkdocs.yml ('.')"),
    ("docs/public", "lies inside docs_dir ('docs')"),
    ("journal/sessions/site", "lies inside the journal folder ('journal')"),
    ("docs-link", "is docs_dir ('docs')"),
    ("site/../journal", "is the journal folder ('journal')"),
])  # fmt: skip
def test_a_site_folder_over_the_sources_is_refused(project, runner, site_dir, why):
    (project / "docs-link").symlink_to("docs")
    before = snapshot(project.parent)
    result = runner.invoke(cli, ["build", "-q", "-d", site_dir])
    fails_with(result, f"site folder '{site_dir}' {why}, and a build replaces its site folder whole; "
                       "choose a folder of its own, such as 'site'")  # fmt: skip
    assert snapshot(project.parent) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["s"]


def test_the_default_site_folder_inside_the_project_is_fine(project, runner):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    assert (project / "site/index.html").is_file()
    assert (project / "NOTES.txt").read_text() == "mine\n"


def test_site_dir_journal_in_mkdocs_yml_is_refused_by_build_and_by_plain_mkdocs(project, runner):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "site_dir: journal\n")
    before = snapshot(project)
    result = runner.invoke(cli, ["build", "-q"])
    fails_with(result, "site folder 'journal' is the journal folder ('journal'), and a build replaces its site folder "
                       "whole; choose a folder of its own, such as 'site'")  # fmt: skip
    with pytest.raises(Abort):  # `mkdocs build` with the plugin: refused in on_config, before MkDocs empties it
        mkdocs_build(load_config(str(config)))
    assert snapshot(project) == before


def test_the_default_site_of_a_journal_alone_keeps_off_it_too(journal_copy, runner, tmp_path):
    journal_copy("minimal")
    write(tmp_path / "NOTES.txt", "mine\n")
    before = snapshot(tmp_path)
    result = runner.invoke(cli, ["build", "-q", "-d", "."])
    fails_with(result, "site folder '.' would hold the journal folder ('journal'), and a build replaces its site "
                       "folder whole; choose a folder of its own, such as 'site'")  # fmt: skip
    result = runner.invoke(cli, ["build", "-q", "-d", "journal"])
    fails_with(result, "site folder 'journal' is the journal folder ('journal'), and a build replaces its site "
                       "folder whole; choose a folder of its own, such as 'site'")  # fmt: skip
    assert snapshot(tmp_path) == before


# 2. A site folder holding files pjournal did not build


def test_a_site_carries_a_marker_listing_its_files_and_their_hashes(project, runner):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    marker = (project / "site/.pjournal-site").read_bytes()
    listed = json.loads(marker)["files"]
    site = snapshot(project / "site")
    assert listed == {p: hashlib.sha256(data).hexdigest() for p, data in site.items() if p != ".pjournal-site"}
    assert "journal/index.html" in listed
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0, "a site of ours is replaced without --force"
    assert (project / "site/.pjournal-site").read_bytes() == marker, "the same journal, the same marker"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_a_folder_of_someone_elses_files_is_refused_and_with_force_moved_aside(project, runner):
    write(project / "public/mine.txt", "my own\n")
    before = snapshot(project)
    result = runner.invoke(cli, ["build", "-q", "-d", "public"])
    fails_with(result, "site folder 'public' is not empty and is not a site pjournal built (no .pjournal-site proves "
                       "its files); choose a new or empty folder, or add --force to move what is in it to "
                       "'public.pjournal-backup'")  # fmt: skip
    assert snapshot(project) == before

    result = runner.invoke(cli, ["build", "-q", "-d", "public", "--force"])
    assert result.exit_code == 0, result.output
    assert f"Moved what {project / 'public'} held to {project / 'public.pjournal-backup'}" in result.stderr
    assert snapshot(project / "public.pjournal-backup") == {"mine.txt": b"my own\n"}
    assert (project / "public/index.html").is_file() and not (project / "public/mine.txt").exists()
    assert runner.invoke(cli, ["build", "-q", "-d", "public"]).exit_code == 0, "now it is a site of ours"
    assert (project / "public.pjournal-backup/mine.txt").read_text() == "my own\n"


def test_a_file_added_to_a_site_of_ours_stops_the_build_and_with_force_is_kept(project, runner):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    write(project / "site/CNAME", "journal.example.org\n")
    old = snapshot(project / "site")
    result = runner.invoke(cli, ["build", "-q"])
    fails_with(result, "site folder 'site' holds 1 file(s) pjournal did not write, or changed since (CNAME); move "
                       "them out (files for the site belong in docs_dir), or add --force to move the old folder "
                       "whole to 'site.pjournal-backup'")  # fmt: skip
    assert snapshot(project / "site") == old
    assert runner.invoke(cli, ["build", "-q", "--force"]).exit_code == 0
    assert snapshot(project / "site.pjournal-backup") == old
    assert not (project / "site/CNAME").exists()


def test_the_hook_case_build_into_the_project_folder_deletes_nothing(tmp_path, runner, monkeypatch):
    """`pjournal init s && cd s && echo mine > NOTES.txt && pjournal build -d .`, with --force too."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "s"]).exit_code == 0
    write(tmp_path / "s/NOTES.txt", "mine\n")
    monkeypatch.chdir(tmp_path / "s")
    for extra in ([], ["--force"]):
        assert runner.invoke(cli, ["build", "-d", ".", *extra]).exit_code == 1
    assert (tmp_path / "s/NOTES.txt").read_text() == "mine\n"
    assert (tmp_path / "s/journal/partners.yaml").is_file()


# 3. Leftovers of killed builds


def test_a_folder_named_like_a_leftover_is_not_touched_without_our_marker(project, runner):
    pid = dead_pid()
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    backup = write(project / f".site-{pid}-backup/notes.txt", "my backup\n").parent
    old_named = write(project / f".site-old-{pid}/notes.txt", "also mine\n").parent
    leftover = project / f".site-{pid}-k2j4"  # a real one: our marker, its process gone
    write(leftover / MARK, json.dumps({"written_by": "pjournal", "role": "staging", "pid": pid,
                                       "host": socket.gethostname()}))  # fmt: skip
    write(leftover / "index.html", "half a site\n")
    alive = project / ".site-1-k2j4"  # a marker whose process still runs (pid 1): a build under way
    write(alive / MARK, json.dumps({"written_by": "pjournal", "role": "staging", "pid": 1, "host": socket.gethostname()}))
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    assert snapshot(backup) == {"notes.txt": b"my backup\n"}
    assert snapshot(old_named) == {"notes.txt": b"also mine\n"}
    assert not leftover.exists()
    assert alive.is_dir()


KILLED_IN_THE_BUILD = """
import os, signal, sys
from generator.plugin import JournalPlugin
def killed(self, files, *, config):  # after the journal is rendered, before a page is written
    os.kill(os.getpid(), signal.SIGKILL)
JournalPlugin.on_files = killed
from generator.cli import cli
sys.argv = ["pjournal", "build", "-q", "-d", "site"]
cli()
"""


def test_temporary_folders_of_a_killed_build_are_cleaned_by_the_next(journal_copy, tmp_path):
    journal_copy("minimal")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    write(tmp / "pjournal-mine/notes.txt", "not a build's\n")  # named like ours, no marker
    env = {**os.environ, "TMPDIR": str(tmp)}

    def pjournal_build(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    assert pjournal_build("-m", "generator.cli", "build", "-q", "-d", "site").returncode == 0
    site = snapshot(tmp_path / "site")
    killed = pjournal_build("-c", KILLED_IN_THE_BUILD)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    left = sorted(p.name for p in tmp.glob("pjournal-*") if (p / MARK).is_file())
    assert len(left) == 1, "the default site's config, marked"
    assert len(list(tmp_path.glob(".site-*"))) == 1, "and the staging folder"
    assert snapshot(tmp_path / "site") == site

    assert pjournal_build("-m", "generator.cli", "build", "-q", "-d", "site").returncode == 0
    assert sorted(p.name for p in tmp.iterdir()) == ["pjournal-mine"]
    assert list(tmp_path.glob(".site-*")) == []
    assert snapshot(tmp / "pjournal-mine") == {"notes.txt": b"not a build's\n"}


# As on a system without renameat2: the old site is moved aside, then the new one moved in.
KILLED_BETWEEN_RENAMES = "import generator.site\ngenerator.site._exchange = lambda a, b: False\n" + KILL_BETWEEN_RENAMES


def test_an_old_site_moved_aside_by_a_killed_build_is_put_back_by_its_marker(journal_copy, runner, tmp_path):
    root = journal_copy("minimal")
    assert runner.invoke(cli, ["build", "-q", "-d", "site"]).exit_code == 0
    site = snapshot(tmp_path / "site")
    killed = subprocess.run([sys.executable, "-c", KILLED_BETWEEN_RENAMES], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "TMPDIR": str(tmp_path)})  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (tmp_path / "site").exists()
    [old] = tmp_path.glob(".site-old-*")
    assert json.loads((old / MARK).read_text())["role"] == "old"

    record = root / "sessions/2026-01-10-outline.yaml"
    edit(record, "kind: structure", "kind: structur")
    assert runner.invoke(cli, ["build", "-q", "-d", "site"]).exit_code == 1
    assert snapshot(tmp_path / "site") == site, "the old site is back, as it was, and a failed build keeps it"
    assert list(tmp_path.glob(".site-*")) == []


# 4. render -o and its manifest


SECOND = "2026-01-11-second"


@pytest.fixture
def two_sessions(journal_copy) -> Path:
    """The minimal journal with a second session."""
    root = journal_copy("minimal")
    second = write(root / f"sessions/{SECOND}.yaml", (root / "sessions/2026-01-10-outline.yaml").read_text())
    edit(second, "date: 2026-01-10", "date: 2026-01-11")
    return root


def test_render_writes_a_manifest_of_its_files_with_their_hashes(two_sessions, runner):
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(Path("out", MANIFEST).read_text())
    files = {k: hashlib.sha256(v).hexdigest() for k, v in snapshot(Path("out")).items() if k != MANIFEST}
    assert manifest["files"] == files
    assert f"sessions/{SECOND}/index.md" in files


def test_render_into_a_folder_without_a_manifest_is_refused_and_writes_nothing(two_sessions, runner):
    write(Path("out/notes.txt"), "mine\n")
    result = runner.invoke(cli, ["render", "-o", "out"])
    fails_with(result, f"out is not empty and has no {MANIFEST} (pjournal did not write it); choose a new folder, or "
                       "add --force to write beside what is in it (none of it is deleted or overwritten)")  # fmt: skip
    assert snapshot(Path("out")) == {"notes.txt": b"mine\n"}


def test_render_again_removes_the_pages_of_deleted_sessions_and_only_those(two_sessions, runner):
    assert runner.invoke(cli, ["render", "-o", "out"]).exit_code == 0
    write(Path("out/notes.txt"), "mine\n")  # the user's own file beside ours
    (two_sessions / f"sessions/{SECOND}.yaml").unlink()
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Wrote ") and result.stdout.endswith("; removed 1 it no longer makes\n")
    assert not Path(f"out/sessions/{SECOND}/index.md").exists()
    assert Path("out/sessions/2026-01-10-outline/index.md").is_file()
    assert Path("out/notes.txt").read_text() == "mine\n"
    assert f"sessions/{SECOND}/index.md" not in json.loads(Path("out", MANIFEST).read_text())["files"]


def test_a_stale_page_edited_since_is_kept_and_named(two_sessions, runner):
    assert runner.invoke(cli, ["render", "-o", "out"]).exit_code == 0
    page = Path(f"out/sessions/{SECOND}/index.md")
    page.write_text(page.read_text() + "\nMy note.\n")
    edited = page.read_bytes()
    (two_sessions / f"sessions/{SECOND}.yaml").unlink()
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Kept {page}: no longer rendered, but changed since it was written; delete it if unwanted\n"
    assert page.read_bytes() == edited
    assert f"sessions/{SECOND}/index.md" not in json.loads(Path("out", MANIFEST).read_text())["files"], "it is the user's now"


def test_render_with_force_writes_beside_foreign_files_and_never_over_them(two_sessions, runner):
    write(Path("out/notes.txt"), "mine\n")
    result = runner.invoke(cli, ["render", "-o", "out", "--force"])
    assert result.exit_code == 0, result.output
    assert Path("out/notes.txt").read_text() == "mine\n" and Path("out/index.md").is_file()
    assert "notes.txt" not in json.loads(Path("out", MANIFEST).read_text())["files"]

    write(Path("other/index.md"), "my home page\n")
    write(Path("other/notes.txt"), "mine\n")
    result = runner.invoke(cli, ["render", "-o", "other", "--force"])
    fails_with(result, "other/index.md exists and is not what pjournal last wrote there; move it away or choose "
                       "another folder (nothing was written)")  # fmt: skip
    assert snapshot(Path("other")) == {"index.md": b"my home page\n", "notes.txt": b"mine\n"}


def test_an_edited_page_that_would_be_rewritten_stops_the_render(two_sessions, runner):
    assert runner.invoke(cli, ["render", "-o", "out"]).exit_code == 0
    page = Path("out/sessions/2026-01-10-outline/index.md")
    page.write_text("my edit\n")
    before = snapshot(Path("out"))
    result = runner.invoke(cli, ["render", "-o", "out"])
    fails_with(result, f"{page} exists and is not what pjournal last wrote there; move it away or choose another "
                       "folder (nothing was written)")  # fmt: skip
    assert snapshot(Path("out")) == before




def test_render_with_a_prefix_keeps_its_manifest_in_the_prefix(two_sessions, runner):
    write(Path("docs/index.md"), "# Home\n")
    result = runner.invoke(cli, ["render", "-o", "docs", "--prefix", "journal"])
    assert result.exit_code == 0, result.output
    assert Path("docs/journal", MANIFEST).is_file() and not Path("docs", MANIFEST).exists()
    assert Path("docs/index.md").read_text() == "# Home\n"


# 5. Read-only folders


def needs_sys() -> None:
    if not Path("/sys/kernel").is_dir():
        pytest.skip("no /sys here (Linux sysfs refuses new entries, to root too)")


def test_a_site_folder_in_a_read_only_folder_gets_one_line(project, runner):
    """/sys refuses new entries to root too: a real read-only parent."""
    needs_sys()
    result = runner.invoke(cli, ["build", "-q", "-d", "/sys/pjournal-site"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: site folder '/sys/pjournal-site' can't be written: ")
    assert result.stderr.endswith(" in '/sys'\n") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert not list(Path("/sys").glob(".pjournal-site-*"))


def test_a_read_only_site_folder_gets_one_line(project, runner):
    (project / "public").mkdir()
    with read_only(project / "public"):
        result = runner.invoke(cli, ["build", "-q", "-d", "public"])
    fails_with(result, "site folder 'public' can't be replaced: 'public' is read-only; make it writable "
                       "(chmod -R u+w 'public') or choose another folder")  # fmt: skip


def test_a_read_only_old_site_is_not_left_behind_undeletable(project, runner):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    old = snapshot(project / "site")
    with read_only(project / "site/assets"):
        result = runner.invoke(cli, ["build", "-q"])
        assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []
    fails_with(result, "site folder 'site' can't be replaced: 'site/assets' is read-only; make it writable "
                       "(chmod -R u+w 'site') or choose another folder")  # fmt: skip
    assert snapshot(project / "site") == old


def test_render_into_a_read_only_folder_gets_one_line(two_sessions, runner):
    needs_sys()
    result = runner.invoke(cli, ["render", "-o", "/sys/pjournal-pages"])
    fails_with(result, "cannot write /sys/pjournal-pages: Operation not permitted")
    Path("out").mkdir()
    with read_only(Path("out")):
        result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: cannot write out/"), result.output
    assert "Traceback" not in result.output


# 6. The site name taken from a folder


def test_a_folder_name_cannot_put_markup_into_the_default_site(runner, tmp_path, monkeypatch):
    folder = tmp_path / 'x"><img src=x onerror=alert(1)>'
    shutil.copytree(FIXTURES / "minimal", folder / "journal")
    monkeypatch.chdir(folder)
    result = runner.invoke(cli, ["build", "-q", "-d", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    pages = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")}
    assert len(pages) > 5
    for path, html in pages.items():
        assert "<img src=x" not in html and '"><img' not in html, path
    home = pages[tmp_path / "site/index.html"]
    assert '<title>Journal - x img src x onerror alert(1) journal</title>' in home
    assert 'aria-label="x img src x onerror alert(1) journal"' in home


# 7. serve and a journal folder that goes away


def test_serve_reports_a_deleted_journal_and_sees_it_when_it_comes_back(tmp_path):
    journal = tmp_path / "journal"
    shutil.copytree(FIXTURES / "minimal", journal)
    record = journal / "sessions/2026-01-10-outline.yaml"
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-a", f"127.0.0.1:{port}"],
                              cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    home = f"http://127.0.0.1:{port}/"

    def said() -> str:
        return (tmp_path / "serve.log").read_text()

    try:
        assert wait_for(lambda: "Outlining the post" in fetch(home) or server.poll() is not None), said()
        assert server.poll() is None, "the server runs"

        shutil.rmtree(journal)
        assert wait_for(lambda: "journal folder not found" in fetch(home)), said()
        assert "Outlining the post" in fetch(home), "the last good pages are still served"
        assert f"{journal}: journal folder not found" in (tmp_path / "serve.log").read_text()

        shutil.copytree(FIXTURES / "minimal", journal)
        assert wait_for(lambda: "The journal has" not in fetch(home)), said()
        edit(record, "Outlining the post", "Outlining the essay")
        assert wait_for(lambda: "Outlining the essay" in fetch(home)), said()
        assert server.poll() is None, "the server never exits"
    finally:
        stop(server)
        log.close()
    assert "Traceback" not in said()
