"""The package as it would be published: `python -m build` makes an sdist and a wheel from the
repository's files, and each installs into a fresh virtual environment and runs there, far from
this checkout (init, check, build --strict)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT
from generator import __version__

pytestmark = pytest.mark.build


#: No PYTHONPATH: what runs in the venv is what was installed there, not this checkout.
CLEAN = {name: value for name, value in os.environ.items() if name not in ("PYTHONPATH", "PYTHONHOME")}


def run(*command: str | Path, cwd: Path, timeout: float = 600) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=CLEAN)  # fmt: skip
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return done.stdout


def source_copy(target: Path) -> Path:
    """The repository's own files (git's list when it is a clone), without what a checkout makes."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT).split("\0")
        for name in filter(None, listed):
            if (ROOT / name).is_file():
                (target / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, target / name)
    else:
        shutil.copytree(ROOT, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            "node_modules", "__pycache__", "*.egg-info", "site", "build", "dist", ".venv", "artifacts"))  # fmt: skip
    return target


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = source_copy(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, source, cwd=source)
    return out


def test_build_makes_an_sdist_and_a_wheel_of_this_version(dist):
    assert sorted(p.name for p in dist.iterdir()) == [
        f"partnership_journal-{__version__}-py3-none-any.whl", f"partnership_journal-{__version__}.tar.gz",
    ]  # fmt: skip


def test_the_wheel_and_the_sdist_install_and_run_in_a_fresh_venv(dist, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python, pjournal = env / "bin/python", env / "bin/pjournal"
    run(python, "-m", "pip", "install", "--quiet", f"{next(dist.glob('*.whl'))}[mkdocs]", cwd=tmp_path)  # with an engine
    assert run(pjournal, "--version", cwd=tmp_path) == f"pjournal, version {__version__}\n"
    run(pjournal, "init", "demo", cwd=tmp_path)
    assert run(pjournal, "check", cwd=tmp_path / "demo") == "0 errors, 0 warnings in 3 records\n"
    run(pjournal, "build", "--strict", "-q", cwd=tmp_path / "demo")
    assert (tmp_path / "demo/site/journal/index.html").is_file()
    imported = run(python, "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert imported.startswith(str(env)), imported  # the installed copy, not this checkout

    run(python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", next(dist.glob("*.tar.gz")),
        cwd=tmp_path)  # fmt: skip
    run(pjournal, "init", "from-sdist", cwd=tmp_path)
    run(pjournal, "build", "--strict", "-q", cwd=tmp_path / "from-sdist")
    assert (tmp_path / "from-sdist/site/journal/sessions/2026-02-03-planning-the-first-issue/index.html").is_file()
