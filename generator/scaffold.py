"""New files for a journal: the site `pjournal init` writes and the session `pjournal new` adds.

Nothing here overwrites a file. In an existing repository `init` adds to the files it needs
(the plugin to mkdocs.yml, a line to .gitignore, keys to the editor settings: adopt.py, which
keeps every byte that was there) and leaves everything else. Every record written starts with a
`# yaml-language-server: $schema=...` line naming a JSON Schema kept in `journal/.schema/`
(a relative path, so editors check fields offline), and `new` validates what it wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined

from . import __version__, engines
from .adopt import AdoptError, add_plugin, append_lines, merge_schemas, missing_lines, plugin_options, read_config
from .analyze import slugify
from .errors import JournalError, LocatedError, UserError
from .install import Install, running, with_extra
from .load import Cache, RawJournal, display_path, load_journal
from .model import PLACEHOLDERS, CaseStudy, Partner
from .validate import validate
from .schema import KINDS, SchemaKind, schema_path, schema_text
from .zensical_site import sample_nav

#: The sample session of a new site is dated, so that `init` always writes the same files.
SAMPLE_DATE = dt.date(2026, 2, 3)
SAMPLE_CASE_STUDY = "newsletter-relaunch"


class ScaffoldError(UserError):
    """A problem the user can fix (a file in the way, an unknown partner), said in one line."""


def yaml_scalar(value: Any) -> str:
    """A value as one YAML scalar, quoted only where YAML needs it (`a: b`, `yes`, `2026`)."""
    return yaml.safe_dump(value, allow_unicode=True, width=1_000_000).removesuffix("\n...\n").removesuffix("\n")


ENV = Environment(
    loader=PackageLoader("generator", "templates/scaffold"),
    undefined=StrictUndefined,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters["yaml"] = yaml_scalar
ENV.filters["shell"] = shlex.quote


def schema_files() -> dict[str, str]:
    """The three JSON Schemas as files, by path relative to the journal folder."""
    return {schema_path(kind): schema_text(kind) for kind in KINDS}


def modeline_target(record: str, kind: SchemaKind) -> str:
    """The schema's path as seen from a record, both relative to the journal folder."""
    return posixpath.relpath(schema_path(kind), posixpath.dirname(record) or ".")


def _record(template: str, record: str, kind: SchemaKind, **values: Any) -> str:
    return ENV.get_template(template).render(schema=modeline_target(record, kind), **values)


# pjournal init

#: The editor settings' globs of each kind of record, relative to the journal folder (load.py reads
#: sessions at any depth, and .yml as well as .yaml).
EDITOR_GLOBS: dict[SchemaKind, tuple[str, ...]] = {
    "session": ("sessions/**/*.yaml", "sessions/**/*.yml"),
    "partners": ("partners.yaml", "partners.yml"),
    "case-study": ("case-studies/*.yaml", "case-studies/*.yml"),
}
WORKFLOW = ".github/workflows/journal.yml"
EDITOR_SETTINGS = ".vscode/settings.json"
#: The config files `init` adopts, in the order ProperDocs looks for them (MkDocs reads the last two).
CONFIG_NAMES = ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")
#: The theme of a new site by engine: ProperDocs' extra installs its own `mkdocs` theme, and Material,
#: which needs MkDocs itself, can't be had beside it.
THEMES = {"mkdocs": "material", "properdocs": "mkdocs"}
Action = Literal["write", "change", "leave"]


@dataclass(frozen=True)
class Step:
    """What `init` does to one file: writes it new, changes it (`before` is the text it was read
    as, and it is changed only if it still is), or leaves it; `note` says what or why."""

    path: str
    action: Action
    note: str = ""
    content: str | None = None
    before: str | None = None
    notice: str = ""  # what the user must know of it, said on a line of its own


@dataclass(frozen=True)
class Site:
    """What `init` found in the folder: its config (properdocs.yml or mkdocs.yml: its name and text), the
    settings it needs, and the engine that builds it (the one its config names, else the one chosen)."""

    folder: Path
    config_name: str
    config_text: str | None
    journal_dir: str
    site_dir: str
    engine: str = "mkdocs"


def _read(path: Path) -> str | None:
    """A file's text, or None when there is none (or it cannot be read as text)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _inside(folder: Path, relative: str) -> str | None:
    """A setting's folder as a POSIX path relative to `folder`, or None when it is outside it."""
    path = Path(relative)
    if path.is_absolute():
        try:
            path = path.relative_to(folder.absolute())
        except ValueError:
            return None
    posix = PurePosixPath(posixpath.normpath(path.as_posix()))
    return None if posix.parts[:1] == ("..",) else posix.as_posix()


def find_site(folder: Path, engine: str = "mkdocs") -> Site:
    """The folder's properdocs.yml or mkdocs.yml, if any, and the journal and site folders it sets (or the
    defaults); a new site's config is named for `engine`."""
    found = next((n for n in CONFIG_NAMES if (folder / n).is_file()), None)
    name = found or f"{engine}.yml"
    engine = "properdocs" if name.startswith("properdocs") else engine
    text = _read(folder / name)
    config = read_config(text) if text is not None else {}
    options = plugin_options(config) or {}
    journal_dir = options.get("journal_dir") if isinstance(options.get("journal_dir"), str) else "journal"
    site_dir = config.get("site_dir") if isinstance(config.get("site_dir"), str) else "site"
    return Site(folder, name, text, _inside(folder, journal_dir) or journal_dir, _inside(folder, site_dir) or "", engine)


def config_step(site: Site) -> Step:
    """mkdocs.yml (or properdocs.yml): a new one with the engine's theme and the plugin, or the plugin added
    to the site's own."""
    if site.config_text is None:
        name = site.folder.absolute().resolve().name or "My"
        theme = THEMES[site.engine]
        return Step(site.config_name, "write", f"the {theme} theme with the journal plugin",
                    ENV.get_template("mkdocs.yml.j2").render(site_name=f"{name} journal", theme=theme))  # fmt: skip
    if plugin_options(read_config(site.config_text)) is not None:
        return Step(site.config_name, "leave", "it has the journal plugin already")
    options = {"journal_dir": site.journal_dir, "prefix": "journal"}
    try:
        changed = add_plugin(site.config_text, options)
    except AdoptError as e:
        return Step(site.config_name, "leave", f"{e}; add the plugin by hand (README: In an existing MkDocs site)")
    return Step(site.config_name, "change", "added the partnership-journal plugin", changed, site.config_text)


def index_step(site: Site) -> Step | None:
    """docs/index.md for a new site; an existing site's pages are its own."""
    if site.config_text is not None:
        return None
    if (site.folder / "docs/index.md").exists():
        return Step("docs/index.md", "leave", "exists")
    return Step("docs/index.md", "write", "the home page", ENV.get_template("index.md.j2").render())


def sample_journal() -> dict[str, str]:
    """The sample journal's records, by path relative to the journal folder: two partners, a case
    study and a session that shows every kind of field."""
    session = f"sessions/{SAMPLE_DATE.year}/{SAMPLE_DATE.isoformat()}-planning-the-first-issue.yaml"
    study = f"case-studies/{SAMPLE_CASE_STUDY}.yaml"
    return {
        "partners.yaml": _record("partners.yaml.j2", "partners.yaml", "partners"),
        study: _record("case-study.yaml.j2", study, "case-study", id=SAMPLE_CASE_STUDY),
        session: _record("session.yaml.j2", session, "session", date=SAMPLE_DATE, case_study=SAMPLE_CASE_STUDY),
    }


def _has_records(journal: Path) -> bool:
    return journal.is_dir() and any(p.suffix in (".yaml", ".yml") for p in journal.rglob("*") if p.is_file())


def journal_steps(site: Site) -> list[Step]:
    """The sample journal where there is none yet, and each record schema that is missing."""
    journal = site.folder / site.journal_dir
    steps: list[Step] = []
    if _has_records(journal):
        steps.append(Step(f"{site.journal_dir}/", "leave", "it has records: no sample added"))
    else:
        sample = sample_journal().items()
        steps += [Step(f"{site.journal_dir}/{path}", "write", "sample", text) for path, text in sample]
    for path, text in schema_files().items():
        target = f"{site.journal_dir}/{path}"
        present = _read(site.folder / target)
        if present is None and not (site.folder / target).exists():
            steps.append(Step(target, "write", "a JSON Schema, for editors", text))
        elif present != text:
            kind = PurePosixPath(path).stem
            note = f"differs from this pjournal's: `pjournal schema --kind {kind}` prints it"
            steps.append(Step(target, "leave", note))
    return steps


def _workflows(folder: Path) -> dict[str, str]:
    """The repository's GitHub Actions workflows, by path, with their text."""
    found = sorted((folder / ".github/workflows").glob("*.y*ml")) if (folder / ".github/workflows").is_dir() else []
    return {f".github/workflows/{p.name}": _read(p) or "" for p in found if p.suffix in (".yml", ".yaml")}


@dataclass(frozen=True)
class Workflow:
    """What the CI workflow `init` writes depends on in the repository: the branch that publishes, the folder
    of the site in it (None: its top), the site's own requirements, and whether it deploys to Pages itself."""

    branch: str = "main"
    working_directory: str | None = None
    requirements: tuple[str, ...] = ()  # pip arguments, relative to the site's folder
    deploy: bool = True
    deployed_by: str = ""  # the repository's own workflow that deploys the site, when `deploy` is off


def _git(folder: Path, *args: str) -> str | None:
    """git's answer in `folder` (stripped), or None when git, a repository or the answer is not there."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return None
    try:
        done = subprocess.run([git, "-C", str(folder), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def default_branch(folder: Path) -> str:
    """The branch a repository publishes from: origin's default (origin/HEAD), else the current branch (also
    before the first commit), else git's init.defaultBranch, else main."""
    remote = _git(folder, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    if remote is not None and "/" in remote:
        return remote.split("/", 1)[1]
    return _git(folder, "symbolic-ref", "--short", "HEAD") or _git(folder, "config", "init.defaultBranch") or "main"


def repository_top(folder: Path) -> Path:
    """The top of the git repository holding `folder` (where GitHub reads .github/), else the folder itself."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    return Path(top) if top is not None else folder.absolute()


def site_requirements(folder: Path) -> tuple[str, ...]:
    """The site's own requirements as pip arguments: requirements*.txt and docs/requirements*.txt in its
    folder, and its pyproject.toml's `docs` extra (the plugins and theme the site builds with)."""
    files = [p for pattern in ("requirements*.txt", "docs/requirements*.txt") for p in sorted(folder.glob(pattern))]
    found = [f"-r {shlex.quote(p.relative_to(folder).as_posix())}" for p in files if p.is_file()]
    try:
        extras = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
        extras = extras.get("optional-dependencies", {}) if isinstance(extras, dict) else {}
    except (OSError, UnicodeDecodeError, ValueError):
        extras = {}
    if isinstance(extras, dict) and "docs" in extras:
        found.append("'.[docs]'")
    return tuple(found)


#: What in a workflow deploys a site to GitHub Pages.
_DEPLOYS = re.compile(r"\b(?:mkdocs|properdocs)\s+gh-deploy\b|actions/deploy-pages|peaceiris/actions-gh-pages"
                      r"|JamesIves/github-pages-deploy-action")  # fmt: skip


def workflow_text(site_dir: str, install: Install, engine: str = "mkdocs", workflow: Workflow = Workflow()) -> str:
    """The CI workflow: check, build --strict, deploy to Pages from the repository's branch (unless it deploys
    the site itself); installs the site's own requirements, then `install` with the extra of the site's engine
    (partnership-journal[mkdocs]==...)."""
    return ENV.get_template("workflow.yml.j2").render(site_dir=site_dir, install=with_extra(install, engine),
                                                      version=__version__, extra=engine, w=workflow)  # fmt: skip


def workflow_step(site: Site, install: Install) -> Step:
    """The CI workflow, in the repository's top .github/workflows (with the site's folder as its working
    directory), unless one builds the site with pjournal already; beside a workflow that deploys the site
    itself, one that checks and builds without a second deploy."""
    top = repository_top(site.folder)
    path = os.path.relpath(top / WORKFLOW, site.folder.absolute()).replace(os.sep, "/")
    deployed_by = shown_by = ""
    for name, text in _workflows(top).items():
        shown = os.path.relpath(top / name, site.folder.absolute()).replace(os.sep, "/")
        if name == WORKFLOW:
            return Step(path, "leave", "exists")
        if "pjournal" in text or "partnership-journal" in text:
            return Step(shown, "leave", "it runs pjournal already")
        if not deployed_by and (_DEPLOYS.search(text) or re.search(r"\b(?:mkdocs|properdocs)\b", text)):
            deployed_by, shown_by = name, shown
    if not site.site_dir:
        return Step(path, "leave", "the site folder is outside the repository: no workflow written")
    inside = os.path.relpath(site.folder.absolute(), top).replace(os.sep, "/")
    workflow = Workflow(default_branch(site.folder), None if inside == "." else inside,
                        site_requirements(site.folder), deploy=not deployed_by, deployed_by=deployed_by)  # fmt: skip
    if deployed_by:
        how = f"`pip install {shlex.quote(install.requirement)}`" if install.requirement else "a step installing pjournal"
        return Step(path, "write", "check and build, no second deploy",
                    workflow_text(site.site_dir, install, site.engine, workflow),
                    notice=f"{shown_by} builds the site already, so {path} only checks and builds it: add {how} "
                           f"to {shown_by}, so that the site it publishes has the journal")  # fmt: skip
    return Step(path, "write", "check, build and deploy to GitHub Pages",
                workflow_text(site.site_dir, install, site.engine, workflow))


@dataclass(frozen=True)
class Ignored:
    """The rule that makes git ignore a path: the ignore file (as shown to the user), its line and the pattern."""

    source: str
    line: int
    pattern: str

    def __str__(self) -> str:
        return f"`{self.pattern}` ({self.source}:{self.line})"


def git_ignores(folder: Path, path: str) -> Ignored | None:
    """The rule by which git ignores `path` (relative to `folder`); None when it does not, or when git or a
    repository is not there. `git check-ignore` is asked, since only git knows every ignore file it reads
    (nested .gitignore files, .git/info/exclude, core.excludesFile)."""
    top = _git(folder, "rev-parse", "--show-toplevel")
    done = _git(folder, "check-ignore", "-v", "--", path) if top is not None else None  # None: not ignored
    found = re.match(r"(.*):(\d+):(.*)\t", done or "")
    if top is None or found is None:
        return None
    source = Path(top, found.group(1))  # git names a repository's ignore file from its top
    return Ignored(os.path.relpath(source), int(found.group(2)), found.group(3))


def _record_path(site: Site) -> str:
    """A record's path in the site's journal, as git would be asked about it."""
    return f"{site.journal_dir}/partners.yaml"


def _negatable(site: Site) -> Ignored | None:
    """The rule by which git ignores the journal folder itself, when a negation of that folder undoes it: git
    can't see into a folder whose parent it ignores, and a rule on files (`*.yaml`) is not the folder's."""
    if git_ignores(site.folder, _record_path(site)) is None:
        return None
    ignored = git_ignores(site.folder, f"{site.journal_dir}/")
    parents = [p for p in PurePosixPath(site.journal_dir).parents if p.name]
    return ignored if ignored and not any(git_ignores(site.folder, f"{p}/") for p in parents) else None


def gitignore_step(site: Site) -> Step:
    """.gitignore: the built site's folder, added to the repository's own file if it lacks it; and, when git
    would ignore the journal (a `**/journal/` rule), the line that makes it see the records again: the
    negation is anchored to this folder's journal alone, so no other folder the rule meant is touched."""
    wanted = [f"{site.site_dir}/"] if site.site_dir else []
    ignored = _negatable(site)
    keep = [f"!/{site.journal_dir}/"] if ignored else []
    text = _read(site.folder / ".gitignore")
    notice = (f"git ignored {site.journal_dir}/ by {ignored}, so its records would never be committed: "
              f"`!/{site.journal_dir}/` in .gitignore makes git see them") if ignored else ""  # fmt: skip
    if text is None:
        new = ENV.get_template("gitignore.j2").render(lines=wanted)
        new = append_lines(new, "The journal's records, which a rule would ignore", keep) if keep else new
        return Step(".gitignore", "write", "the built site", new, notice=notice)
    missing, kept = missing_lines(text, wanted), missing_lines(text, keep)
    if not missing and not kept:
        return Step(".gitignore", "leave", "it ignores the built site already")
    changed = append_lines(text, "The built site (pjournal build)", missing) if missing else text
    changed = append_lines(changed, "The journal's records, which a rule above would ignore", kept) if kept else changed
    return Step(".gitignore", "change", f"added {', '.join(missing + kept)}", changed, text, notice=notice)


def ignored_journal(folder: Path, engine: str | None = None) -> str | None:
    """After `init`: what to say when git still ignores the journal's records (a rule .gitignore's negation
    can't undo, such as one ignoring a folder above the journal, or `*.yaml`); None when git sees them."""
    site = find_site(folder, engine or "mkdocs")
    ignored = git_ignores(folder, _record_path(site))
    if ignored is None:
        return None
    return (f"git ignores {site.journal_dir}/ by {ignored}: its records would never be committed; change that "
            "rule so that git sees them (a `!` line can't reach into a folder git ignores)")  # fmt: skip


def editor_schemas(journal_dir: str) -> dict[str, list[str]]:
    """VS Code's `yaml.schemas`: each schema file mapped to the globs of its records, from the folder."""
    return {f"{journal_dir}/{schema_path(kind)}": [f"{journal_dir}/{glob}" for glob in globs]
            for kind, globs in EDITOR_GLOBS.items()}  # fmt: skip


def editor_step(site: Site) -> Step:
    """.vscode/settings.json mapping the schemas by glob, so that a record at any depth is checked."""
    text = _read(site.folder / EDITOR_SETTINGS)
    if text is None and (site.folder / EDITOR_SETTINGS).exists():
        return Step(EDITOR_SETTINGS, "leave", "it cannot be read as text")
    try:
        merged = merge_schemas(text, editor_schemas(site.journal_dir))
    except AdoptError as e:
        wanted = json.dumps({"yaml.schemas": editor_schemas(site.journal_dir)})
        return Step(EDITOR_SETTINGS, "leave", f"{e}; add to it: {wanted}")
    if merged is None:
        return Step(EDITOR_SETTINGS, "leave", "it maps the schemas already")
    if text is None:
        return Step(EDITOR_SETTINGS, "write", "the schemas by glob, for VS Code's YAML extension", merged)
    return Step(EDITOR_SETTINGS, "change", "added the schemas to yaml.schemas", merged, text)


def default_engine() -> str:
    """The engine of a new site when none is chosen: MkDocs, else ProperDocs when only it is installed."""
    return "properdocs" if engines.installed(engines.PROPERDOCS) and not engines.installed(engines.MKDOCS) else "mkdocs"


def init_plan(folder: Path, install: Install | None = None, engine: str | None = None) -> list[Step]:
    """Every step of `pjournal init` in `folder`: a new site, or what an existing one lacks (for
    Zensical, the files of a new Zensical site, each written only where nothing is)."""
    engine = engine or default_engine()
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder")
    if engine == "zensical":
        name = folder.absolute().resolve().name or "My"
        there = next(p for p in (folder.absolute(), *folder.absolute().parents) if p.is_dir())  # a new folder's repository
        files = zensical_files(f"{name} journal", install or running(), default_branch(there))
        return [*(Step(path, "leave", "exists") if (folder / path).exists() else Step(path, "write", "", text)
                  for path, text in files.items()),
                editor_step(Site(folder, "zensical.toml", None, "journal", "site", "zensical"))]  # fmt: skip
    site = find_site(folder, engine)
    index = index_step(site)
    return [
        config_step(site),
        *([index] if index else []),
        *journal_steps(site),
        workflow_step(site, install or running()),
        gitignore_step(site),
        editor_step(site),
    ]


def zensical_files(site_name: str, install: Install, branch: str = "main") -> dict[str, str]:
    """A new Zensical site: zensical.toml with the journal's nav, the sample journal and its schemas,
    the home page, and a workflow installing pjournal with Zensical, run on pushes to `branch`."""
    journal = {**sample_journal(), **schema_files()}
    files = {"docs/index.md": ENV.get_template("index.md.j2").render(),
             **{f"journal/{path}": text for path, text in journal.items()}}  # fmt: skip
    env = ENV.overlay(loader=PackageLoader("generator", "templates/scaffold/zensical"))
    env.filters["toml"] = json.dumps  # a TOML basic string is written as JSON writes a string
    files["zensical.toml"] = env.get_template("zensical.toml.j2").render(site_name=site_name, nav=sample_nav(journal))
    files[".gitignore"] = env.get_template("gitignore.j2").render()
    files[WORKFLOW] = workflow_text("site", install, engine="zensical", workflow=Workflow(branch))
    return files


def apply(folder: Path, steps: list[Step]) -> None:
    """Carry out the steps, or none: a file to write that exists, or one to change that is no longer
    as it was read, stops it before anything is written. A failed write undoes the others."""
    for step in steps:
        path = folder / step.path
        if step.action == "write" and (path.exists() or path.is_symlink()):
            raise ScaffoldError(f"not overwriting {display_path(path, folder)}: nothing was written")
        if step.action == "change" and _read(path) != step.before:
            raise ScaffoldError(f"{display_path(path, folder)} changed meanwhile: nothing was written")
    done: list[Step] = []
    made: list[Path] = []
    try:
        for step in steps:
            if step.action == "leave" or step.content is None:
                continue
            path = folder / step.path
            made += reversed([parent for parent in path.parents if not parent.exists()])
            path.parent.mkdir(parents=True, exist_ok=True)
            if step.action == "write":
                with path.open("x", encoding="utf-8", newline="") as f:
                    f.write(step.content)
            else:
                temporary = path.with_name(f".{path.name}.pjournal-init")
                temporary.write_text(step.content, encoding="utf-8", newline="")
                os.replace(temporary, path)
            done.append(step)
    except OSError as e:
        for step in done:
            if step.action == "write":
                (folder / step.path).unlink(missing_ok=True)
            elif step.before is not None:
                (folder / step.path).write_text(step.before, encoding="utf-8", newline="")
        for made_folder in reversed(made):
            with contextlib.suppress(OSError):
                made_folder.rmdir()
        raise ScaffoldError(f"cannot write {display_path(Path(e.filename or folder), folder)}: {e.strerror}") from None


def init_site(folder: Path) -> list[Path]:
    """A new journal site in `folder` (created if need be), or the journal added to the site there:
    the paths written or changed."""
    steps = init_plan(folder)
    apply(folder, steps)
    return [folder / step.path for step in steps if step.action != "leave"]


_VERBS: dict[Action, tuple[str, str]] = {
    "write": ("Wrote", "Would write"), "change": ("Changed", "Would change"), "leave": ("Left", "Would leave"),
}  # fmt: skip


def step_line(step: Step, shown: str, *, dry_run: bool = False) -> str:
    """`Wrote mkdocs.yml`, `Changed .gitignore: added site/`, `Left .github/workflows/docs.yml: why`."""
    note = f": {step.note}" if step.action != "write" and step.note else ""
    return f"{_VERBS[step.action][dry_run]} {shown}{'/' if step.path.endswith('/') else ''}{note}"


def step_diff(step: Step) -> str:
    """A change as a unified diff, every line ending in a newline."""
    before, after = (step.before or "").splitlines(keepends=True), (step.content or "").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, f"a/{step.path}", f"b/{step.path}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def write_new_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write every file under `folder`, or none: any that exists already is refused, by name."""
    targets = [folder / path for path in files]
    taken = [path for path in targets if path.exists() or path.is_symlink()]
    if taken:
        names = ", ".join(display_path(path, folder) for path in taken)
        raise ScaffoldError(f"not overwriting {names}: nothing was written")
    written: list[Path] = []
    try:
        for path, content in zip(targets, files.values()):
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(content)
            written.append(path)
    except OSError as e:
        for path in written:
            path.unlink(missing_ok=True)
        raise ScaffoldError(f"cannot write {display_path(Path(e.filename or folder), folder)}: {e.strerror}") from None
    return written


# pjournal new


@dataclass(frozen=True)
class Existing:
    """What a new session may refer to: the journal's partners and case studies, and the ids taken."""

    root: Path
    partners: dict[str, Partner]
    case_studies: dict[str, CaseStudy]
    session_ids: frozenset[str]
    cache: Cache


def existing(root: Path) -> Existing:
    """Read a journal for `new`: partners and case studies must be valid; sessions are only counted.

    Raises JournalError when partners.yaml or a case study has an error (a session's errors
    do not stop a new session from being written).
    """
    cache: Cache = {}
    raw = load_journal(root, cache)
    journal = validate(RawJournal(raw.root, raw.partners, raw.case_studies, [], raw.errors))
    ids = {r.data["id"] if isinstance(r.data, dict) and isinstance(r.data.get("id"), str) else r.stem
           for r in raw.sessions}  # fmt: skip
    return Existing(raw.root, journal.partners, journal.case_studies, frozenset(ids), cache)


def default_partners(partners: dict[str, Partner]) -> list[str]:
    """The first human and the first AI partner of partners.yaml, else its first two."""
    human = next((id for id, p in partners.items() if p.kind == "human"), None)
    ai = next((id for id, p in partners.items() if p.kind == "ai"), None)
    return [human, ai] if human and ai else list(partners)[:2]


def check_partners(ids: list[str], partners: dict[str, Partner]) -> list[str]:
    """The chosen partner ids, once each; an unknown id is an error that lists the known ones."""
    unknown = [id for id in ids if id not in partners]
    if unknown:
        listed = ", ".join(partners) or "none"
        raise ScaffoldError(f"unknown partner '{unknown[0]}'; the partners in partners.yaml are: {listed}")
    chosen = list(dict.fromkeys(ids))
    if len(chosen) < 2:
        raise ScaffoldError(f"a session needs two or more partners, got {len(chosen)}")
    return chosen


def choose_partners(answer: str, partners: dict[str, Partner]) -> list[str]:
    """Partners picked by number (`1 3`) or id (`sam, assistant`) from the numbered list."""
    ids = list(partners)
    picked = []
    for word in re.split(r"[\s,]+", answer.strip()):
        if word.isdigit() and 1 <= int(word) <= len(ids):
            picked.append(ids[int(word) - 1])
        elif word.isdigit():
            raise ScaffoldError(f"{word} is not a number from the list (1 to {len(ids)})")
        elif word:
            picked.append(word)
    return check_partners(picked, partners)


def check_case_study(id: str | None, case_studies: dict[str, CaseStudy]) -> None:
    """An unknown case study is an error that lists the known ones."""
    if id is not None and id not in case_studies:
        listed = ", ".join(case_studies) or "none yet"
        raise ScaffoldError(f"unknown case study '{id}'; the case studies are: {listed}")


def title_slug(title: str) -> str:
    """A file-name slug of a title (with the date it stays well inside an id's 80 characters)."""
    return slugify(title) or "session"


@dataclass(frozen=True)
class NewSession:
    """What `new` wrote: the record, schema files it added, and warnings about the record."""

    path: Path
    schemas: list[Path]
    warnings: list[LocatedError]


def new_session(
    journal: Existing, *, title: str, partners: list[str], date: dt.date, case_study: str | None = None
) -> NewSession:
    """Write a session record with placeholders to fill; it validates as written, with a
    warning for each placeholder (model.PLACEHOLDERS) until it is replaced.

    Missing schema files are added to `.schema/` so that the record's modeline resolves.
    """
    title = title.strip()
    if not title:
        raise ScaffoldError("the title is empty")
    if "\n" in title or "\r" in title:
        raise ScaffoldError("the title must be one line")
    partners = check_partners(partners, journal.partners)
    check_case_study(case_study, journal.case_studies)
    stem = f"{date.isoformat()}-{title_slug(title)}"
    relative = f"sessions/{date.year}/{stem}.yaml"
    path = journal.root / relative
    if path.exists() or path.is_symlink():
        raise ScaffoldError(f"{display_path(path, journal.root)} exists already; give another --title or --date")
    if stem in journal.session_ids:
        raise ScaffoldError(f"a session with id '{stem}' exists already; give another --title or --date")
    todo = {**PLACEHOLDERS, "summary": PLACEHOLDERS["summary"].format(partner=partners[0])}
    content = _record("new-session.yaml.j2", relative, "session", title=title, date=date.isoformat(),
                      partners=partners, case_study=case_study, todo=todo)  # fmt: skip
    missing = {p: text for p, text in schema_files().items() if not (journal.root / p).exists()}
    written = write_new_files(journal.root, {relative: content})
    try:
        warnings = validate_written(journal, written[0])
    except JournalError:
        written[0].unlink()
        raise
    schemas = write_new_files(journal.root, missing) if missing else []
    return NewSession(written[0], schemas, warnings)


def validate_written(journal: Existing, path: Path) -> list[LocatedError]:
    """Validate the new record against the journal's partners and case studies; its warnings."""
    raw = load_journal(journal.root, journal.cache)  # the cache re-reads only the new file
    record = [r for r in raw.sessions if r.path == path]
    checked = validate(RawJournal(raw.root, raw.partners, raw.case_studies, record))
    return [w for w in checked.warnings if record and w.path == record[0].display]


# pjournal serve


def serve_url(config_file: Path, dev_addr: str | None) -> str:
    """The address `mkdocs serve` will use: `dev_addr` (or the config's), under the path of `site_url`."""
    text = _read(config_file)
    config = read_config(text) if text is not None else {}
    address = dev_addr or config.get("dev_addr")
    address = address if isinstance(address, str) and address else "127.0.0.1:8000"
    site_url = config.get("site_url")
    path = urlsplit(site_url).path if isinstance(site_url, str) else ""
    return f"http://{address}{PurePosixPath('/', path.strip('/')).as_posix().rstrip('/')}/"
