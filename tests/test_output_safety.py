"""Hostile folders, interrupted runs: what `check`, `build` and `render` do when the folders they read
or write are not what they should be, and when they are stopped half-way.

1. A journal's `sessions` or `case-studies` that is not a folder, or can't be read: one located line.
2. Ctrl-C (SIGINT, to the process or its whole group) stops a build with exit code 130.
3. A site's marker proves each file it lists by its hash: a marker beside someone's files proves none.
4. A manifest listing a path outside its folder is refused, touching nothing.
5. A render killed half-way, or stopped by a full disk, is finished by the next, without --force.

Unreadable folders: the tests run as root, whom file modes do not stop. `pjournal` runs in a real
subprocess under `setpriv` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped from its bounding
set: still root, still the owner of every file here, but held to the file modes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator.cli import cli
from helpers import edit, wait_for, write
from test_output import MANIFEST, SECOND, project, snapshot, two_sessions  # noqa: F401 (fixtures)

#: Held to file modes, though root: the capabilities that let root past them dropped for good.
HELD_TO_FILE_MODES = ["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                      "--inh-caps=-dac_override,-dac_read_search"]  # fmt: skip


def one_error(result, line: str) -> None:
    """Exit code 1, `line` on stderr, no traceback."""
    assert result.exit_code == 1, result.output
    assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.output


# 1. Journal folders that are not folders, or can't be read


@pytest.mark.parametrize("name", ["sessions", "case-studies"])
def test_a_records_folder_that_is_a_file_is_one_located_error_in_check(journal_copy, runner, name):
    root = journal_copy("minimal")
    if (root / name).is_dir():
        shutil.rmtree(root / name)
    write(root / name, "- not a folder\n")
    result = runner.invoke(cli, ["check", "journal"])
    one_error(result, f"journal/{name}: not a folder, so no record in it was read; make it a folder of records "
                      f"({name}/<id>.yaml)")  # fmt: skip
    assert result.stderr.count(f"journal/{name}") == 1


@pytest.mark.build
def test_a_sessions_file_stops_the_build_in_one_located_line(journal_copy, runner, tmp_path):
    root = journal_copy("minimal")
    shutil.rmtree(root / "sessions")
    write(root / "sessions", "")
    result = runner.invoke(cli, ["build", "-q", "-d", "site"])
    one_error(result, "journal/sessions: not a folder, so no record in it was read; make it a folder of records "
                      "(sessions/<id>.yaml)")  # fmt: skip
    assert not (tmp_path / "site").exists()


def held_to_file_modes(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`pjournal ARGS` in a subprocess that file modes stop, though it runs as root."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's capabilities")
    command = [*HELD_TO_FILE_MODES, sys.executable, "-m", "generator.cli", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if "setpriv:" in run.stderr:
        pytest.skip(f"setpriv can't drop capabilities here: {run.stderr.strip()}")
    return run


@pytest.mark.parametrize("folder", ["sessions", "sessions/2026"])
@pytest.mark.parametrize("command", [["check", "journal"],
                                     pytest.param(["build", "-q", "-d", "site"], marks=pytest.mark.build)])
def test_a_sessions_folder_that_cannot_be_read_is_one_located_line(journal_copy, tmp_path, folder, command):
    root = journal_copy("minimal")
    (root / folder).mkdir(exist_ok=True)
    assert held_to_file_modes(["check", "journal"], tmp_path).returncode == 0, "readable, it is read"
    (root / folder).chmod(0)
    try:
        run = held_to_file_modes(command, tmp_path)
    finally:
        (root / folder).chmod(0o755)
    assert run.returncode == 1, run.stderr
    assert f"journal/{folder}: cannot read the folder: Permission denied" in run.stderr.splitlines(), run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "site").exists()


# 2. Ctrl-C stops a build with exit code 130


def many_sessions(root: Path, count: int, year: int = 2024) -> None:
    """`count` more sessions in a journal: copies of its first, a day apart from `year` on (a journal slow
    enough to stop mid-way)."""
    first = min((root / "sessions").rglob("*.yaml"))
    text = first.read_text(encoding="utf-8")
    for n in range(count):
        day = dt.date(year, 1, 1) + dt.timedelta(days=n)
        write(root / f"sessions/{day.year}/{day}-copy.yaml", re.sub(r"(?m)^date: .*$", f"date: {day}", text))


@pytest.mark.build
@pytest.mark.parametrize("whole_group", [False, True], ids=["the process", "its process group"])
def test_ctrl_c_stops_a_build_with_exit_code_130_and_keeps_the_last_site(journal_copy, runner, tmp_path, whole_group):
    root = journal_copy("minimal")
    assert runner.invoke(cli, ["build", "-q", "-d", "site"]).exit_code == 0
    site = snapshot(tmp_path / "site")
    many_sessions(root, 600)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    build = subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "-q", "-d", "site"], cwd=tmp_path,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)  # fmt: skip
    try:
        assert wait_for(lambda: any(tmp_path.glob(".site-*")) or build.poll() is not None, seconds=120)
        assert build.poll() is None, "the build is under way"
        if whole_group:  # as a terminal's Ctrl-C does: the build and any process it started
            os.killpg(build.pid, signal.SIGINT)
        else:
            os.kill(build.pid, signal.SIGINT)
        _, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130, err
    assert err.endswith("Interrupted\n") and "Aborted!" not in err and "Traceback" not in err, err
    assert snapshot(tmp_path / "site") == site, "the last site stays"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".site-", "pjournal-"))] == []


# 3. A site's marker proves each file it lists


def users_files(folder: Path) -> None:
    write(folder / "notes.txt", "mine\n")
    write(folder / "photos/cat.jpg", "a cat\n")
    write(folder / ".bashrc", "alias ll='ls -l'\n")
    write(folder / "index.html", "<p>my home page</p>\n")


def marker_listing(names: list[str], how: str, real: dict) -> dict:
    """A marker for `names` as a careless or malicious user would make it."""
    if how == "names only":  # the format of an earlier version: names, no hashes
        return {**real, "files": names}
    if how == "made-up hashes":
        return {**real, "files": {name: hashlib.sha256(name.encode()).hexdigest() for name in names}}
    return real  # "copied": a real site's marker, listing index.html and more


@pytest.mark.build
@pytest.mark.parametrize("how", ["copied", "names only", "made-up hashes"])
def test_a_marker_beside_a_users_files_proves_none_of_them(project, runner, how):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    real = json.loads((project / "site/.pjournal-site").read_text())
    folder = project / "public"
    users_files(folder)
    names = ["notes.txt", "photos/cat.jpg", ".bashrc", "index.html"]
    write(folder / ".pjournal-site", json.dumps(marker_listing(names, how, real)))
    before = snapshot(folder)
    result = runner.invoke(cli, ["build", "-q", "-d", "public"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    [line] = result.stderr.splitlines()
    if how == "names only":
        assert line.startswith("Error: site folder 'public' is not empty and is not a site pjournal built "
                               "(no .pjournal-site proves its files)")  # fmt: skip
    else:
        assert line.startswith("Error: site folder 'public' holds 4 file(s) pjournal did not write, or changed since "
                               "(.bashrc, index.html, notes.txt and 1 more)")  # fmt: skip
    assert snapshot(folder) == before

    result = runner.invoke(cli, ["build", "-q", "-d", "public", "--force"])
    assert result.exit_code == 0, result.output
    assert snapshot(project / "public.pjournal-backup") == before, "moved aside whole, never deleted"


@pytest.mark.build
def test_a_site_file_changed_since_the_build_is_the_users(project, runner):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    page = project / "site/journal/index.html"
    page.write_text(page.read_text() + "<!-- my note -->\n")
    old = snapshot(project / "site")
    result = runner.invoke(cli, ["build", "-q"])
    assert result.exit_code == 1, result.output
    assert result.stderr == ("Error: site folder 'site' holds 1 file(s) pjournal did not write, or changed since "
                             "(journal/index.html); move them out (files for the site belong in docs_dir), or add "
                             "--force to move the old folder whole to 'site.pjournal-backup'\n")  # fmt: skip
    assert snapshot(project / "site") == old
    assert runner.invoke(cli, ["build", "-q", "--force"]).exit_code == 0
    assert snapshot(project / "site.pjournal-backup") == old
    assert snapshot(project / "site")["journal/index.html"] != old["journal/index.html"]


# 4. A manifest that lists a path outside its folder


def outside_paths(tmp_path: Path, folder: Path) -> dict[str, str]:
    """Paths a manifest in `folder` could list that lead out of it, each to the file tmp_path/outside.txt."""
    write(tmp_path / "outside.txt", "mine\n")
    (folder / "link").symlink_to(tmp_path)
    return {"absolute": str(tmp_path / "outside.txt"), "climbing": "../outside.txt", "linked": "link/outside.txt"}


@pytest.mark.parametrize("kind", ["absolute", "climbing", "linked"])
def test_a_render_manifest_listing_a_path_outside_is_refused_touching_nothing(two_sessions, runner, tmp_path, kind):
    assert runner.invoke(cli, ["render", "-o", "out"]).exit_code == 0
    path = outside_paths(tmp_path, tmp_path / "out")[kind]
    manifest = json.loads(Path("out", MANIFEST).read_text())
    manifest["files"][path] = hashlib.sha256(b"mine\n").hexdigest()  # what the file there holds
    Path("out", MANIFEST).write_text(json.dumps(manifest))
    (two_sessions / f"sessions/{SECOND}.yaml").unlink()  # a stale page the render would remove
    before = snapshot(tmp_path)
    result = runner.invoke(cli, ["render", "-o", "out"])
    assert (result.exit_code, result.stderr) == (1, f"Error: out/{MANIFEST} lists '{path}', a path outside out, which "
                                                    "pjournal never writes; delete it or choose another folder "
                                                    "(nothing was changed)\n"), result.output  # fmt: skip
    assert snapshot(tmp_path) == before


@pytest.mark.build
def test_a_site_marker_listing_a_path_outside_is_refused_touching_nothing(project, runner, tmp_path):
    assert runner.invoke(cli, ["build", "-q"]).exit_code == 0
    path = outside_paths(tmp_path, project / "site")["climbing"]
    marker = json.loads((project / "site/.pjournal-site").read_text())
    marker["files"][path] = hashlib.sha256(b"mine\n").hexdigest()
    (project / "site/.pjournal-site").write_text(json.dumps(marker))
    before = snapshot(tmp_path)
    result = runner.invoke(cli, ["build", "-q"])
    assert (result.exit_code, result.stderr) == (1, f"Error: site/.pjournal-site lists '{path}', a path outside site, "
                                                    "which pjournal never writes; delete it or choose another folder "
                                                    "(nothing was changed)\n"), result.output  # fmt: skip
    assert snapshot(tmp_path) == before


# 5. A render killed half-way, or stopped by a full disk, is finished by the next


#: `pjournal render JOURNAL -o OUT` that kills itself (SIGKILL) after its AFTER-th step in OUT: a file opened
#: for writing (and so, if killed there, left empty), or a file moved into place; AFTER 0 never kills, and
#: prints the number of steps.
KILLED_AFTER = """
import atexit, builtins, io, os, signal, sys
journal, out, after = sys.argv[1], os.path.abspath(sys.argv[2]), int(sys.argv[3])
steps = 0
def step(path):
    global steps
    if os.path.abspath(path).startswith(out + os.sep):
        steps += 1
        if steps == after:
            os.kill(os.getpid(), signal.SIGKILL)
real_open, real_replace, real_rename = io.open, os.replace, os.rename
def counted_open(file, mode="r", *args, **kwargs):
    opened = real_open(file, mode, *args, **kwargs)
    if isinstance(file, (str, os.PathLike)) and any(c in mode for c in "wax+"):
        step(file)
    return opened
def counted(move):
    def moved(source, target, *args, **kwargs):
        move(source, target, *args, **kwargs)
        step(target)
    return moved
io.open = builtins.open = counted_open
os.replace, os.rename = counted(real_replace), counted(real_rename)
atexit.register(lambda: print(f"steps: {steps}"))
from generator.cli import cli
sys.argv = ["pjournal", "render", journal, "-o", out]
cli()
"""


def render_killed_after(tmp_path: Path, out: str, after: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", KILLED_AFTER, "journal", out, str(after)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.build
@pytest.mark.parametrize("when", ["after 200 files", "moving files into place", "at the very end"])
@pytest.mark.parametrize("earlier", [False, True], ids=["into a new folder", "over an earlier render"])
def test_a_render_killed_half_way_is_finished_by_the_next_without_force(journal_copy, runner, tmp_path, when, earlier):
    root = journal_copy("minimal")
    many_sessions(root, 250)
    if earlier:  # the last render made pages this one no longer makes, and changes others
        assert runner.invoke(cli, ["render", "-o", "out"]).exit_code == 0
        shutil.rmtree(root / "sessions/2024")
        many_sessions(root, 220, year=2025)
        edit(root / "sessions/2026-01-10-outline.yaml", "Agree on an outline", "Agree on a shorter outline")
        shutil.copytree(tmp_path / "out", tmp_path / "probe")
    probe = render_killed_after(tmp_path, "probe", 0)  # the same render, not killed: how many steps it takes
    assert probe.returncode == 0, probe.stderr
    steps = int(probe.stdout.rsplit("steps: ", 1)[1])
    assert steps > 200, "a journal large enough"
    after = {"after 200 files": 200, "moving files into place": steps - 100, "at the very end": steps}[when]
    killed = render_killed_after(tmp_path, "out", after)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    result = runner.invoke(cli, ["render", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["render", "-o", "clean"]).exit_code == 0
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean")


def mounted_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True,
                           text=True)  # fmt: skip
    if mount.returncode:
        pytest.skip(f"a small disk to fill is a tmpfs, which can't be mounted here: {mount.stderr.strip()}")


@pytest.mark.parametrize("earlier", [False, True], ids=["into a new folder", "over an earlier render"])
def test_a_render_stopped_by_a_full_disk_is_finished_by_the_next_without_force(journal_copy, runner, tmp_path,
                                                                                 earlier):  # fmt: skip
    root = journal_copy("minimal")
    many_sessions(root, 20)
    disk = tmp_path / "disk"
    mounted_tmpfs(disk, "2m")
    try:
        if earlier:
            assert runner.invoke(cli, ["render", "-o", "disk/out"]).exit_code == 0
            shutil.rmtree(root / "sessions/2024")
            many_sessions(root, 15)
            edit(root / "sessions/2026-01-10-outline.yaml", "Agree on an outline", "Agree on a shorter outline")
        free = shutil.disk_usage(disk).free
        write(disk / "filler", "x" * (free - 64 * 1024))  # 64 KB left: a few pages
        before = snapshot(disk / "out") if earlier else {}
        result = runner.invoke(cli, ["render", "-o", "disk/out"])
        assert result.exit_code == 1, result.output
        assert re.fullmatch(r"Error: cannot write disk/out/\S+: No space left on device \(nothing was changed\)\n",
                            result.stderr), result.stderr  # fmt: skip
        assert snapshot(disk / "out") == before

        (disk / "filler").unlink()
        result = runner.invoke(cli, ["render", "-o", "disk/out"])
        assert result.exit_code == 0, result.output
        assert runner.invoke(cli, ["render", "-o", "clean"]).exit_code == 0
        assert snapshot(disk / "out") == snapshot(tmp_path / "clean")
    finally:
        subprocess.run(["umount", str(disk)], check=True)
