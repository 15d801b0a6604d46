"""Which pjournal is running, so that the CI workflow `init` writes installs exactly that one.

A runner cannot reach the folder pjournal was installed from, and the bare name on an index
is whatever the index serves (or anyone claims), so the workflow pins what PEP 610 says:
`direct_url.json` in the installed distribution names a repository and commit, an archive's
address or a local folder; no such file means an index, at this version. Anything a runner
cannot fetch becomes a step that fails with what to put there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from . import __version__

DISTRIBUTION = "partnership-journal"


@dataclass(frozen=True)
class Install:
    """What a workflow runs to install this pjournal: a pip requirement, or, when there is none a
    runner can use, the reason (then the step fails and says what to put there)."""

    requirement: str | None
    reason: str = ""


def from_direct_url(direct_url: dict[str, Any] | None, version: str) -> Install:
    """The requirement PEP 610's `direct_url.json` (None: installed from an index) makes reproducible."""
    if direct_url is None:
        return Install(f"{DISTRIBUTION}=={version}")
    url = direct_url.get("url")
    url = url if isinstance(url, str) else ""
    vcs = direct_url.get("vcs_info")
    remote = url.startswith(("https://", "http://", "ssh://", "git@"))
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(vcs.get("commit_id"), str) and remote:
        subdirectory = direct_url.get("subdirectory")
        tail = f"#subdirectory={subdirectory}" if isinstance(subdirectory, str) and subdirectory else ""
        return Install(f"{DISTRIBUTION} @ git+{url}@{vcs['commit_id']}{tail}")
    if isinstance(direct_url.get("archive_info"), dict) and url.startswith("https://"):
        return Install(f"{DISTRIBUTION} @ {url}")
    where = "a local folder" if "dir_info" in direct_url else "an address a runner cannot reach"
    return Install(None, f"pjournal {version} was installed from {where}")


def running() -> Install:
    """The Install of the pjournal that is running now."""
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Install(None, f"pjournal {__version__} runs from its source folder, not an installed package")
    text = distribution.read_text("direct_url.json")
    try:
        direct_url = json.loads(text) if text else None
    except ValueError:
        return Install(None, "its installation record (direct_url.json) cannot be read")
    if direct_url is not None and not isinstance(direct_url, dict):
        return Install(None, "its installation record (direct_url.json) cannot be read")
    return from_direct_url(direct_url, distribution.version)


def with_extra(install: Install, extra: str) -> Install:
    """The same pjournal with one of its extras (the site engine it builds with): partnership-journal[mkdocs]==1.0."""
    if install.requirement is None:
        return install
    return Install(install.requirement.replace(DISTRIBUTION, f"{DISTRIBUTION}[{extra}]", 1), install.reason)
