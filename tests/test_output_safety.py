"""Hostile folders, interrupted runs: what `check`, `build` and `render` do when the folders they read
or write are not what they should be, and when they are stopped half-way.

1. A journal's `sessions` or `case-studies` that is not a folder, or can't be read: one located line.
2. Ctrl-C (SIGINT, to the process or its whole group) stops a build with exit code 130.

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

from conftest import FIXTURES, ROOT
from generator.cli import cli
from helpers import wait_for, write


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, hidden ones too, with its bytes (a link as where it points)."""
    return {p.relative_to(folder).as_posix(): os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}  # fmt: skip

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


def many_sessions(root: Path, count: int) -> None:
    """`count` more sessions in a journal: copies of its first, a day apart (a journal slow enough to stop mid-way)."""
    first = sorted((root / "sessions").rglob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    for n in range(count):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
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
        out, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 130, err
    assert err.endswith("Interrupted\n") and "Aborted!" not in err and "Traceback" not in err, err
    assert snapshot(tmp_path / "site") == site, "the last site stays"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".site-", "pjournal-"))] == []
