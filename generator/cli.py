"""`pjournal`: the command line, and the only module that talks to the terminal."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import os
import shlex
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import click

from . import __version__, engines, report
from .errors import JournalError, LocatedError, UserError
from .load import display_path, load_journal
from .model import Journal, Partner
from .privacy import PatternError, compile_patterns
from .schema import KINDS, schema_text

if TYPE_CHECKING:
    from . import zensical_site

# What only some commands need is imported in them (scaffold, output, zensical_site: the templates,
# Markdown; site: MkDocs; analyze): `check` runs on every push, and its start-up is part of its time.

JOURNAL_DIR = click.Path(file_okay=False, path_type=Path)
#: What a command that takes a journal says of its default.
JOURNAL_DEFAULT = "the journal_dir of the site here or above (mkdocs.yml, properdocs.yml, zensical.toml), else journal"


class _EchoHandler(logging.Handler):
    """MkDocs' log lines on stderr, through click so that tests capture them."""

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        level = record.levelname.lower()
        click.echo(message if record.levelno < logging.WARNING else f"{level}: {message}", err=True)


def _show_mkdocs_log(quiet: bool) -> None:
    logger = logging.getLogger(engines.logger_name())
    for handler in list(logger.handlers):
        if isinstance(handler, _EchoHandler):
            logger.removeHandler(handler)
    logger.addHandler(_EchoHandler())
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def _echo_problems(problems: list[LocatedError]) -> None:
    """Located problems on stderr, one a line: file:line:col: message."""
    for problem in problems:
        click.echo(str(problem), err=True)


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Problems a user can fix leave as lines on stderr and exit code 1, never as a traceback."""
    try:
        yield
    except JournalError as e:
        _echo_problems([*e.errors, *e.warnings])
        raise click.exceptions.Exit(1) from None
    except UserError as e:
        raise click.ClickException(str(e)) from None


def _site_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options `build` and `serve` share: which site and journal, drafts, redaction."""
    for option in reversed([
        click.option("--drafts", is_flag=True, help="Include records with status: draft."),
        click.option("-f", "--config-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                     help="The mkdocs.yml to use."),
        click.option("-j", "--journal-dir", type=JOURNAL_DIR,
                     help="The journal, when there is no mkdocs.yml (default: journal)."),
        click.option("--redact", "redact", multiple=True, metavar="REGEX",
                     help="Replace matches with [redacted] everywhere in the output (repeatable; adds to mkdocs.yml's)."),
        click.option("--engine", type=click.Choice(engines.NAMES),
                     help="The site engine (default: the one the config file names, else the first installed)."),
    ]):  # fmt: skip
        command = option(command)
    return command


def _valid_journal(journal_dir: Path) -> Journal:
    """The validated journal; its warnings on stderr; on an error, every problem and exit 1."""
    checked = report.check(load_journal(journal_dir))
    _echo_problems([*checked.errors, *checked.warnings])
    if checked.journal is None:
        click.echo(report.summary(checked), err=True)
        raise click.exceptions.Exit(1)
    return checked.journal


def _site_above(config: Path | None) -> Path | None:
    """The config found here or above; when it is above, one line on stderr says which site is used."""
    if config is not None and config.parent.resolve() != Path.cwd().resolve():
        click.echo(f"Using the site of {os.path.relpath(config)}", err=True)
    return config


def _journal(given: Path | None) -> Path:
    """The journal a command works on: the one given, else the one the site here or above names, else ./journal."""
    if given is not None:
        return given
    with _user_errors():
        config = _site_above(engines.find_config(Path(".")))
        return engines.journal_of(config) if config is not None else Path("journal")


def _engine(config_file: Path | None, chosen: str | None) -> tuple[engines.Engine, Path | None]:
    """The site's engine and config file (None: a default site for the journal), said on stdout first."""
    with _user_errors():
        config = config_file or _site_above(engines.find_config(Path(".")))
        engine = engines.choose(config, chosen)
        if config is not None and config.name not in engine.config_files:
            raise engines.EngineError(f"{engine.name} does not read {config.name}; choose another --engine")
        if engine is engines.ZENSICAL and config is None:
            raise engines.EngineError("no zensical.toml here: start a Zensical site with "
                                      "`pjournal init --engine zensical DIR`")  # fmt: skip
        engines.activate(engine)
    click.echo(f"engine {engine.name} {engines.version(engine)}")
    return engine, config


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading a record makes hundreds of objects and no reference cycle: the collector's passes over
    them, more the more records are held, find nothing (a tenth of `check` at 1,000 sessions)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plugin_ignored_here() -> str | None:
    """When the site here is built by Zensical and lists our plugin, which Zensical ignores: what to say."""
    config = engines.find_config(Path("."))
    try:
        engine = engines.choose(config, None) if config is not None else None
    except engines.EngineError:
        engine = engines.OWN_CONFIG.get(config.name) if config is not None else None
    return engines.plugin_ignored(config) if engine is engines.ZENSICAL and config is not None else None


def _zensical_site(config: Path, journal_dir: Path, drafts: bool, redact: tuple[str, ...]) -> zensical_site.ZensicalSite:
    """A Zensical site's settings; what Zensical ignores of them (our plugin, a missing nav) said on stderr."""
    from . import zensical_site
    site = zensical_site.load_site(config, journal_dir, drafts, redact)
    for note in (engines.plugin_ignored(config), zensical_site.nav_hint(site)):
        if note is not None:
            click.echo(f"note: {note}", err=True)
    return site


#: The exit code of a command stopped by Ctrl-C: 128 + SIGINT's number, as a shell reports a process
#: that signal ended. Scripts and CI tell an interruption from a failure (1) by it.
INTERRUPTED = 128 + signal.SIGINT


class _Commands(click.Group):
    """pjournal's commands: one stopped by Ctrl-C exits with INTERRUPTED, not with Click's 1 and "Aborted!".

    Ctrl-C arrives as KeyboardInterrupt wherever the command is, so that what it made for a while
    (a staging folder, temporary files) is removed on the way out.
    """

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted", err=True)  # the line break closes the terminal's ^C
            raise click.exceptions.Exit(INTERRUPTED) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pjournal")
def cli() -> None:
    """Check a journal of human-AI working sessions and publish it as an MkDocs site.

    Start a site with `pjournal init`, add sessions with `pjournal new`, preview with
    `pjournal serve`; `pjournal COMMAND --help` tells more about each command.

    Exit codes: 0 success (warnings alone do not fail, except under `build --strict`);
    1 errors in the records or a failed build, each printed as file:line:column: message;
    2 a mistake in the command line itself.

    \b
    Shell completion, for bash (zsh and fish: zsh_source, fish_source):
      eval "$(_PJOURNAL_COMPLETE=bash_source pjournal)"

    Example: pjournal init my-journal && cd my-journal && pjournal serve
    """


@cli.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(engines.NAMES),
              help="mkdocs: mkdocs.yml with Material and the plugin; properdocs: properdocs.yml with ProperDocs' own "
                   "theme; zensical: zensical.toml (default: the site's own config, else mkdocs, or properdocs when "
                   "only ProperDocs is installed).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Show what would be written and changed (as diffs), and write nothing.")
def init(directory: Path, engine: str | None, dry_run: bool) -> None:
    """Start a journal site in DIR, or add the journal to the MkDocs site there.

    A new site gets mkdocs.yml (Material theme and the journal plugin), docs/index.md,
    journal/ with two partners, a case study and a session that shows every kind of field,
    the records' JSON Schemas in journal/.schema/, .github/workflows/journal.yml (check,
    build and deploy to GitHub Pages), .gitignore and .vscode/settings.json (the schemas by
    glob, for editors). In an existing repository, init adds the plugin to its properdocs.yml or
    mkdocs.yml (keeping its comments and order), the site folder to its .gitignore (and a
    `!/journal/` line when git would ignore the records) and the schemas to its editor
    settings; it writes the sample journal and the schemas only where there are none. The
    workflow goes to the repository's top .github/workflows (a site in a subfolder is its
    working directory), triggers on the repository's branch, installs the site's own
    requirements, and does not deploy beside a workflow that deploys the site already.
    It never overwrites a file, and lists what it wrote, changed and left.

    With --engine properdocs, properdocs.yml with ProperDocs' own theme. With --engine
    zensical, zensical.toml (with the journal's nav) instead of mkdocs.yml: `pjournal build`
    and `serve` render the journal into docs/journal for Zensical.

    Example: pjournal init my-journal
    """
    from . import scaffold
    with _user_errors():
        steps = scaffold.init_plan(directory, engine=engine)
        if not dry_run:
            scaffold.apply(directory, steps)
    for step in steps:
        click.echo(scaffold.step_line(step, display_path(directory / step.path, Path.cwd()), dry_run=dry_run))
        if dry_run and step.action == "change":
            click.echo(scaffold.step_diff(step), nl=False)
        if step.notice:
            click.echo(f"note: {step.notice}", err=True)
    if not dry_run:
        if engine != "zensical" and (note := scaffold.ignored_journal(directory, engine)) is not None:
            click.echo(f"warning: {note}", err=True)
        here = directory.absolute().resolve() == Path.cwd().resolve()
        click.echo(f"Next: {'' if here else f'cd {shlex.quote(str(directory))} && '}pjournal serve")


def _ask_partners(partners: dict[str, Partner]) -> list[str]:
    """A numbered list of the partners, and a prompt until the answer names two or more of them."""
    from . import scaffold
    click.echo("Partners:", err=True)
    for number, (id, partner) in enumerate(partners.items(), 1):
        click.echo(f"  {number}. {id}: {partner.name} ({partner.kind})", err=True)
    ids = list(partners)
    default = " ".join(str(ids.index(id) + 1) for id in scaffold.default_partners(partners))

    def choose(answer: str) -> list[str]:
        try:
            return scaffold.choose_partners(answer, partners)
        except scaffold.ScaffoldError as e:
            raise click.BadParameter(str(e)) from None

    return click.prompt("Who took part (numbers)", default=default, value_proc=choose, err=True)


@cli.command()
@click.option("-t", "--title", help="The session's title; the file name is made from it and the date.")
@click.option("-p", "--partner", "partners", multiple=True, metavar="ID",
              help="A partner id from partners.yaml, once per partner (default: the first human and the first AI).")
@click.option("-c", "--case-study", metavar="ID", help="The case study the session belongs to.")
@click.option("--date", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="The session's date (default: today).")  # fmt: skip
@click.option("-j", "--journal-dir", type=JOURNAL_DIR, help=f"The journal (default: {JOURNAL_DEFAULT}).")
@click.option("--prompt/--no-prompt", default=None,
              help="Ask for a missing title and partners (default: when run in a terminal).")  # fmt: skip
def new(title: str | None, partners: tuple[str, ...], case_study: str | None, date: dt.datetime | None,
        journal_dir: Path | None, prompt: bool | None) -> None:  # fmt: skip
    """Write a new session record to fill in.

    The record, sessions/YEAR/DATE-TITLE.yaml, names its partners and has a goal and a
    contribution to replace (TODO); it validates as written, and `pjournal check` warns
    about each placeholder until it is replaced (so `build --strict` fails). In a terminal, a missing
    title and partners are asked for; otherwise --title is required. An existing file is
    never overwritten. Prints the path of the new record, so that
    `$EDITOR "$(pjournal new -t ...)"` opens it.

    Example: pjournal new --title "Outlining the report" -p dana -p tutor
    """
    from . import scaffold
    with _user_errors():
        journal = scaffold.existing(_journal(journal_dir))
        if partners:
            scaffold.check_partners(list(partners), journal.partners)
        scaffold.check_case_study(case_study, journal.case_studies)
        interactive = (sys.stdin is not None and sys.stdin.isatty()) if prompt is None else prompt
        if title is None and not interactive:
            raise click.UsageError("Missing option '--title' (asked for only in a terminal).")
        if title is None:
            title = click.prompt("Title", err=True)
        if partners:
            chosen = list(partners)
        else:
            chosen = _ask_partners(journal.partners) if interactive else scaffold.default_partners(journal.partners)
        day = date.date() if date else dt.date.today()
        written = scaffold.new_session(journal, title=title, partners=chosen, date=day, case_study=case_study)
    _echo_problems(written.warnings)
    for path in written.schemas:
        click.echo(f"Wrote {display_path(path, journal.root)} (a JSON Schema, for editors)", err=True)
    click.echo(os.path.relpath(written.path))  # a path that opens from here: $EDITOR "$(pjournal new ...)"


@cli.command("import")
@click.argument("sources", metavar="SOURCE...", nargs=-1, type=click.Path(path_type=Path))
@click.option("--git", "git_range", metavar="A..B",
              help="Join a range of commits (their Co-authored-by, Assisted-by, Generated-by trailers and reverts), "
                   "or, without SOURCE, draft from the commits alone.")
@click.option("--human", metavar="ID", help="The person's partner id (default: the first human in partners.yaml).")
@click.option("--ai", metavar="ID", help="The AI's partner id (default: the AI partner whose model the source names).")
@click.option("-c", "--case-study", metavar="ID", help="The case study the sessions belong to.")
@click.option("-j", "--journal", "--journal-dir", "journal_dir", type=JOURNAL_DIR,
              help=f"The journal; drafts go into its sessions folder (default: {JOURNAL_DEFAULT}).")
@click.option("--latest", type=click.Choice(["claude-code", "codex"]), help="The newest session of the current folder.")
@click.option("--from", "tool", type=click.Choice(["claude-code", "codex", "aider", "chatgpt"]),
              help="The format of SOURCE (default: found from its content).")
@click.option("--session", metavar="ID|TITLE", help="Only the session of this id or title (a conversation of an export).")
@click.option("--list", "list_only", is_flag=True, help="List the sessions found (id, start, end, turns, model, title); write nothing.")
@click.option("--dry-run", is_flag=True, help="Print each draft instead of writing it.")
@click.option("--force", is_flag=True, help="Rewrite a draft someone edited, keeping the edited file beside it as .bak.")
@click.option("--no-quotes", is_flag=True, help="Quote nothing a person wrote.")
def import_(sources: tuple[Path, ...], git_range: str | None, human: str | None, ai: str | None,
            case_study: str | None, journal_dir: Path | None, latest: str | None, tool: str | None, session: str | None,
            list_only: bool, dry_run: bool, force: bool, no_quotes: bool) -> None:  # fmt: skip
    """Draft session records from transcripts or commits.

    SOURCE is a Claude Code or Codex CLI transcript (JSONL), an aider chat history, a ChatGPT
    export (conversations.json or its zip), or a folder of them; the format is found from the
    content. Each session gets a draft, sessions/YEAR/DATE-TITLE.yaml in the journal, whose
    path is printed: status: draft, facts (date, partners, the work by kind) as YAML,
    candidates (disagreements, feedback, handoffs, hedges, work undone) commented out with their
    evidence, TODO(import) where only a person knows. Secrets, e-mail addresses, home folders
    and anonymous partners are redacted first; tool output, file contents and thinking are never
    read. Importing again rewrites a draft nobody edited; an edited one is left alone (exit
    code 3) unless --force. Nothing else is written: a partner the journal lacks is printed as
    an entry to paste into partners.yaml.

    Example: pjournal import --latest claude-code --human sam
    """
    from .capture import detect, pipeline
    with _user_errors():
        journal_dir = _journal(journal_dir)
        paths = list(sources)
        if latest is not None:
            paths.append(detect.latest(latest, Path.cwd(), Path.home()))
        if not paths and git_range is None:
            raise click.UsageError("give a SOURCE, --latest or --git")
        options = pipeline.Options(journal_dir, human=human, ai=ai, case_study=case_study, tool=tool,  # type: ignore[arg-type]
                                   session=session, git=git_range, quotes=not no_quotes, force=force, dry_run=dry_run)
        if list_only:
            rows, problems = pipeline.list_sessions(paths, options, Path.cwd())
        else:
            done = pipeline.import_sessions(paths, options, Path.cwd())
    if list_only:
        for line in problems:
            click.echo(line, err=True)
        click.echo(pipeline.listing(rows))
        return
    for line in [*done.problems, *done.entries]:
        click.echo(line, err=True)
    for draft in done.drafts:
        shown = display_path(draft.path, journal_dir.absolute())
        if draft.action == "left":
            click.echo(f"{shown}: edited since it was imported, so left as it is (--force rewrites it, keeping "
                       "the edited file as .bak)", err=True)
        elif dry_run:
            click.echo(f"# {draft.action} {shown}")
            click.echo(draft.text, nl=False)
        else:
            marks, others = pipeline.todo_marks(draft)
            _echo_problems(others)
            if draft.backup is not None:
                click.echo(f"Kept the edited draft as {display_path(draft.backup, journal_dir.absolute())}", err=True)
            click.echo(f"{shown}: {marks} marks for a person to fill in (pjournal check lists them)", err=True)
            click.echo(shown)
    if any(draft.action == "left" for draft in done.drafts):
        raise click.exceptions.Exit(3)


@cli.command()
@click.option("-k", "--kind", type=click.Choice(KINDS), default="session", show_default=True,
              help="Which kind of record.")  # fmt: skip
def schema(kind: str) -> None:
    """Print the JSON Schema of a kind of record.

    JSON Schema draft 2020-12, for editors and CI. `pjournal init` keeps a copy of each
    in journal/.schema/, which the records name in their first line
    (# yaml-language-server: $schema=...). The schema checks fields and their values;
    references between records are checked only by `pjournal check`.

    Example: pjournal schema --kind partners > journal/.schema/partners.json
    """
    click.echo(schema_text(kind), nl=False)  # type: ignore[arg-type]


@cli.command()
@click.argument("journal_dir", type=JOURNAL_DIR, required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "github", "json"]), default="text",
              show_default=True,
              help="text: file:line:col lines; github: GitHub Actions annotations; json: one document.")  # fmt: skip
def check(journal_dir: Path | None, output_format: str) -> None:
    """Validate every record in JOURNAL_DIR (default: the journal_dir of the site here or above, else journal).

    Lists every problem as file:line:column: field: message. Exit code 1 when there is
    an error; warnings alone exit 0. With --format github, each problem is an annotation
    on its line in a pull request; with --format json, stdout is one JSON document.

    Example: pjournal check journal --format github
    """
    journal_dir = _journal(journal_dir)
    with _no_cycle_collection():
        checked = report.check(load_journal(journal_dir))
    problems = [*checked.errors, *checked.warnings]
    note = _plugin_ignored_here()
    if note is not None:
        click.echo(f"note: {note}", err=True)
    if output_format == "json":
        click.echo(report.json_report(checked))
    elif output_format == "github":
        for problem in problems:
            click.echo(report.github_annotation(problem))
        click.echo(report.summary(checked))
    else:
        _echo_problems(problems)
        click.echo(report.summary(checked), err=bool(checked.errors))
    if checked.errors:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("journal_dir", type=JOURNAL_DIR, required=False)
@click.option("-o", "--output", "out", required=True, metavar="OUT", type=click.Path(path_type=Path),
              help="The folder to write into: new, empty, or one an earlier render wrote.")  # fmt: skip
@click.option("--drafts", is_flag=True, help="Include records with status: draft.")
@click.option("--prefix", default="", metavar="P", help="Write the pages into OUT/P (default: OUT itself).")
@click.option("--force", is_flag=True,
              help="Write into a folder that holds other files too; none of them is deleted or overwritten.")  # fmt: skip
@click.option("--directory-urls/--no-directory-urls", default=True, show_default=True,
              help="Link pages as a site with MkDocs' use_directory_urls (its default) has them.")  # fmt: skip
@click.option("--redact", "redact", multiple=True, metavar="REGEX",
              help="Replace matches with [redacted] everywhere in the output (repeatable).")  # fmt: skip
def render(journal_dir: Path | None, out: Path, drafts: bool, prefix: str, force: bool, directory_urls: bool,
           redact: tuple[str, ...]) -> None:  # fmt: skip
    """Write the pages as Markdown files, no MkDocs run.

    The same pages the plugin adds to a site, for other generators that read MkDocs'
    format, or to review in a pull request: front matter, then the page as HTML. Nothing
    is written when a record has an error.

    OUT/P/.pjournal-manifest.json lists the files written and their SHA-256. Rendering
    again into that folder rewrites them and removes those it no longer makes (pages of
    deleted sessions), unless one was changed since: it is kept and named. A folder that
    is not empty and has no manifest is refused unless --force. Nothing else is ever
    deleted or overwritten: a file in the way of one to write stops the render before
    anything is written.

    Example: pjournal render journal -o pages --prefix journal
    """
    from .output import clean_prefix, default_site_name, journal_files, write_files
    from .publish import Options, publish
    journal_dir = _journal(journal_dir)
    journal = _valid_journal(journal_dir)
    with _user_errors():
        try:
            compile_patterns(list(redact))
        except PatternError as e:
            raise click.BadParameter(str(e), param_hint="--redact") from None
        options = Options(journal_dir, prefix=clean_prefix(prefix), drafts=drafts, redact=redact,
                          directory_urls=directory_urls, site_name=default_site_name(journal_dir))  # fmt: skip
        files = journal_files(publish(options, checked=journal), directory_urls)
        done = write_files(files, out, prefix=prefix, force=force)
    for path in done.kept:
        click.echo(f"Kept {path}: no longer rendered, but changed since it was written; delete it if unwanted", err=True)
    removed = f"; removed {len(done.removed)} it no longer makes" if done.removed else ""
    click.echo(f"Wrote {len(done.written)} files to {out}{removed}")


@cli.command()
@click.argument("journal_dir", type=JOURNAL_DIR, required=False)
@click.option("--drafts", is_flag=True, help="Count records with status: draft too.")
def stats(journal_dir: Path | None, drafts: bool) -> None:
    """Show the journal's headline figures.

    Sessions, dates, case studies, partners, contributions by kind, disagreements by
    outcome, feedback acted on and lessons, as an aligned table. Drafts are left out
    unless --drafts.

    Example: pjournal stats journal --drafts
    """
    from .analyze import published
    journal = _valid_journal(_journal(journal_dir))
    shown = published(journal, drafts)
    click.echo(report.stats_table(report.stats(shown, len(journal.sessions) - len(shown.sessions))))


@cli.command()
@_site_options
@click.option("--strict", is_flag=True, help="Fail on warnings too (as in CI).")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: site).")
@click.option("--force", is_flag=True,
              help="Build into a folder holding files pjournal did not build: what it holds is moved, whole, to SITE_DIR.pjournal-backup.")  # fmt: skip
@click.option("-q/-v", "--quiet/--verbose", default=None,
              help="Show only warnings and errors, or MkDocs' progress too (default: quiet when CI=true).")  # fmt: skip
def build(strict: bool, drafts: bool, site_dir: Path | None, force: bool, config_file: Path | None,
          journal_dir: Path | None, quiet: bool | None, redact: tuple[str, ...], engine: str | None) -> None:  # fmt: skip
    """Build the site: mkdocs.yml here or in a folder above (as git finds its repository), else a default
    site for the journal.

    The site is built in a temporary folder and swapped in only when the build succeeds,
    so a broken record leaves the last good site in place.

    The site folder is replaced whole, so it has to be a folder of its own: one that is,
    holds or lies inside docs_dir or the journal, or is or holds the folder of mkdocs.yml,
    is refused. Each site gets a file .pjournal-site that lists the files of that build;
    a folder that is not empty and is not such a site, or that holds other files too, is
    refused unless --force, which moves what it holds aside to SITE_DIR.pjournal-backup
    (or -2, -3, ...) instead of deleting it.

    On Zensical (zensical.toml, or --engine zensical), which runs no plugins, the journal is
    rendered into docs/journal (a folder pjournal owns: one holding files it did not write
    is refused), then `zensical build` runs; the site goes to the config's site_dir.

    Example: pjournal build --strict -d public
    """
    from . import zensical_site
    chosen, config_path = _engine(config_file, engine)
    if chosen is engines.ZENSICAL:
        assert config_path is not None
        if site_dir is not None or force:
            raise click.UsageError("-d and --force are for MkDocs and ProperDocs; Zensical writes site_dir of its config")
        with _user_errors():
            site = _zensical_site(config_path, journal_dir or Path("journal"), drafts, redact)
            zensical_site.build(site, strict, lambda line: click.echo(line, err=True))
        click.echo(f"Site written to {site.site_dir.absolute()}")
        return
    from .site import build_site, site_config  # MkDocs is imported only when a site is built

    if quiet is None:
        quiet = os.environ.get("CI", "").lower() == "true"
    _show_mkdocs_log(quiet)
    with _user_errors(), site_config(config_path, journal_dir or Path("journal")) as config:
        built = build_site(config, site_dir=site_dir, strict=strict, drafts=drafts, redact=redact, force=force)
    if built.backup is not None:
        click.echo(f"Moved what {built.target} held to {built.backup}", err=True)
    click.echo(f"Site written to {built.target}")


@cli.command()
@_site_options
@click.option("-a", "--dev-addr", metavar="IP:PORT", help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("--full", is_flag=True, help="After an edit, build every page again (slower; by default only the pages it changed).")
@click.option("--dirty", is_flag=True, hidden=True)  # the default; kept for scripts that pass it
def serve(drafts: bool, dev_addr: str | None, config_file: Path | None, journal_dir: Path | None, full: bool,
          dirty: bool, redact: tuple[str, ...], engine: str | None) -> None:  # fmt: skip
    """Preview the site, rebuilding and reloading the browser when a record changes.

    After an edit only the pages whose content it changed are built again, by MkDocs' own
    dirty builds; every page is when what every page carries changed (the journal's sidebar,
    its errors, page tags). The search index of a dirty build can keep stale entries of the
    pages it changed; --full builds every page after every edit.

    Prints the address first, then builds the site and serves it there. A record with an
    error is shown at the top of every page while the last good pages stay served; so is
    a journal folder deleted or moved away, which is watched again when it is back.

    On Zensical, `zensical serve` serves the site, and the journal is rendered again into
    docs/journal on every change of a record (the pages of deleted sessions removed).

    Example: pjournal serve --drafts -a 127.0.0.1:8001
    """
    from . import scaffold, zensical_site
    chosen, config_path = _engine(config_file, engine)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a process manager: shut down as on Ctrl-C, cleaning up
    if chosen is engines.ZENSICAL:
        assert config_path is not None
        with _user_errors():
            site = _zensical_site(config_path, journal_dir or Path("journal"), drafts, redact)
            click.echo(f"Serving on {scaffold.serve_url(config_path, dev_addr)}")
            with contextlib.suppress(KeyboardInterrupt):
                zensical_site.serve(site, dev_addr, lambda line: click.echo(line, err=True))
        return
    from .site import serve_site, site_config

    _show_mkdocs_log(quiet=False)
    with _user_errors(), site_config(config_path, journal_dir or Path("journal")) as config:
        click.echo(f"Serving on {scaffold.serve_url(config, dev_addr)}")
        serve_site(config, dev_addr=dev_addr, drafts=drafts, redact=redact, full=full)


def _interrupt(_signum: int, _frame: object) -> None:
    """A signal handled as Ctrl-C is: the command stops, cleaning up on the way out."""
    raise KeyboardInterrupt


main = cli


if __name__ == "__main__":
    main()
