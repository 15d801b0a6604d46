"""`pjournal`: the command line, and the only module that talks to the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from . import __version__
from .errors import JournalError, LocatedError
from .load import load_journal
from .model import validate

JOURNAL_DIR = click.Path(file_okay=False, path_type=Path)


class _EchoHandler(logging.Handler):
    """MkDocs' log lines on stderr, through click so that tests capture them."""

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        level = record.levelname.lower()
        click.echo(message if record.levelno < logging.WARNING else f"{level}: {message}", err=True)


def _show_mkdocs_log(quiet: bool) -> None:
    logger = logging.getLogger("mkdocs")
    for handler in list(logger.handlers):
        if isinstance(handler, _EchoHandler):
            logger.removeHandler(handler)
    logger.addHandler(_EchoHandler())
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


def _summary(errors: list[LocatedError], warnings: list[LocatedError], records: int) -> str:
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{n(len(errors), 'error')}, {n(len(warnings), 'warning')} in {n(records, 'record')}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pjournal")
def cli() -> None:
    """Check a journal of human-AI working sessions and publish it as an MkDocs site."""


@cli.command()
@click.argument("journal_dir", type=JOURNAL_DIR, default="journal")
def check(journal_dir: Path) -> None:
    """Validate every record in JOURNAL_DIR (default: journal).

    Lists every problem as file:line:column: field: message. Exit code 1 when there is
    an error; warnings alone exit 0.

    Example: pjournal check journal
    """
    raw = load_journal(journal_dir)
    records = len(raw.records())
    try:
        journal = validate(raw)
    except JournalError as e:
        for problem in [*e.errors, *e.warnings]:
            click.echo(str(problem), err=True)
        click.echo(_summary(e.errors, e.warnings, records), err=True)
        raise click.exceptions.Exit(1)
    for problem in journal.warnings:
        click.echo(str(problem), err=True)
    click.echo(_summary([], journal.warnings, records))


@cli.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too (as in CI).")
@click.option("--drafts", is_flag=True, help="Include records with status: draft.")
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path), help="Where to write the site (default: site).")
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="The mkdocs.yml to use.")
@click.option("-j", "--journal-dir", type=JOURNAL_DIR, default="journal", show_default=True, help="The journal, when there is no mkdocs.yml.")
@click.option("-q", "--quiet", is_flag=True, help="Show only warnings and errors.")
def build(strict: bool, drafts: bool, site_dir: Path | None, config_file: Path | None, journal_dir: Path, quiet: bool) -> None:
    """Build the site: mkdocs.yml here if there is one, else a default site for the journal.

    The site is built in a temporary folder and swapped in only when the build succeeds,
    so a broken record leaves the last good site in place.

    Example: pjournal build --strict -d public
    """
    from .plugin import SiteError, build_site, site_config  # MkDocs is imported only when a site is built

    _show_mkdocs_log(quiet)
    with site_config(config_file, journal_dir) as config:
        try:
            target = build_site(config, site_dir=site_dir, strict=strict, drafts=drafts)
        except SiteError as e:
            raise click.ClickException(str(e)) from None
    click.echo(f"Site written to {target}")


@cli.command()
@click.option("--drafts", is_flag=True, help="Include records with status: draft.")
@click.option("-a", "--dev-addr", metavar="IP:PORT", help="Address to serve on (default: 127.0.0.1:8000).")
@click.option("-f", "--config-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="The mkdocs.yml to use.")
@click.option("-j", "--journal-dir", type=JOURNAL_DIR, default="journal", show_default=True, help="The journal, when there is no mkdocs.yml.")
def serve(drafts: bool, dev_addr: str | None, config_file: Path | None, journal_dir: Path) -> None:
    """Preview the site, rebuilding and reloading the browser when a record changes.

    Example: pjournal serve --drafts -a 127.0.0.1:8001
    """
    from .plugin import SiteError, serve_site, site_config

    _show_mkdocs_log(quiet=False)
    with site_config(config_file, journal_dir) as config:
        try:
            serve_site(config, dev_addr=dev_addr, drafts=drafts)
        except SiteError as e:
            raise click.ClickException(str(e)) from None


main = cli


if __name__ == "__main__":
    main()
