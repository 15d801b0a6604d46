"""`pjournal import` end to end: each format's fixture (tests/fixtures/import, in the tools' real
shapes) through the command line into a journal in tmp_path, and what the drafts hold."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, needs_tool

from generator.cli import cli
from helpers import fetch, free_port, stop, wait_for, write

IMPORTS = FIXTURES / "import"
CLAUDE = IMPORTS / "claude-code" / "-home-alice-work-shop"
SESSION = "3f2a9c1e-7b4d-4e2a-9c1f-5d6e7f8a9b0c"
TRANSCRIPT = CLAUDE / f"{SESSION}.jsonl"
SUBAGENT = CLAUDE / SESSION / "subagents" / "agent-a1b2c3d.jsonl"
REDACTED = IMPORTS / "claude-code" / "redacted" / "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.jsonl"
ROLLOUT = next((IMPORTS / "codex").rglob("rollout-*.jsonl"))
AIDER = IMPORTS / "aider" / ".aider.chat.history.md"
CHATGPT = IMPORTS / "chatgpt" / "conversations.json"
DRAFT = "journal/sessions/2026/2026-01-12-fixing-the-flaky-checkout-test.yaml"

PARTNERS = """\
- id: alice
  name: Alice Example
  kind: human
- id: claude
  name: Claude
  kind: ai
  model: claude-opus-4-5
- id: reviewer
  name: Jane Roe
  kind: human
  anonymous: true
  alias: Second reader
"""

#: What the fixtures hold that no output may: secrets, addresses, home folders, an anonymous
#: partner's name, and tool output, file contents, thinking and system prompts (planted as *_SECRET).
NEVER = [
    "sk-proj-", "alice@example.com", "carol@example.com", "/home/alice", "/home/carol", "/Users/bob",
    "C:\\Users\\carol", "Jane Roe", "AKIAIOSFODNN7EXAMPLE", "ghp_16C7e", "BEGIN OPENSSH", "PRIVATE THOUGHT",
    "TOOL_OUTPUT_SECRET", "FILE_CONTENT_SECRET", "ORIGINAL_FILE_SECRET", "SUBAGENT_OUTPUT_SECRET",
    "SYSTEM_PROMPT_SECRET", "REASONING_SECRET", "OUTPUT_SECRET", "PATCH_CONTENT_SECRET",
]  # fmt: skip


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A journal with a person, an AI partner (model claude-opus-4-5) and an anonymous reviewer."""
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal/partners.yaml").write_text(PARTNERS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(runner, *args: str):
    return runner.invoke(cli, ["import", *args])


def drafts(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((site / "journal/sessions").rglob("*.yaml"))}  # fmt: skip


def body(text: str) -> dict:
    return yaml.safe_load(text)


def check(runner):
    return runner.invoke(cli, ["check", "journal"])


def uncommented(text: str) -> str:
    """The draft with every candidate uncommented: a commented line of YAML loses its `# `."""
    return re.sub(r"(?m)^(\s*)# (?=- |[a-z_]+:|\s)", r"\1", text)


def test_a_claude_code_session_becomes_a_draft_that_checks(runner, site):
    result = run(runner, str(TRANSCRIPT), "--human", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{DRAFT}\n"
    text = (site / DRAFT).read_text(encoding="utf-8")
    record = body(text)
    assert record["status"] == "draft"
    assert str(record["date"]) == "2026-01-12"
    assert record["title"] == "Fixing the flaky checkout test"
    assert record["imported_from"]["tool"] == "claude-code"
    assert record["imported_from"]["session"] == SESSION
    assert record["imported_from"]["digest"].startswith("sha256:")
    assert [p["partner"] for p in record["partners"]] == ["alice", "claude"]  # claude's model starts the id's
    work = {(c["by"], c["kind"]): c["summary"] for c in record["contributions"]}
    assert work == {
        ("claude", "structure"): "Handed 1 task to a sub-agent",
        ("claude", "exploration"): "Read 1 file and searched the code twice",  # once of them the sub-agent
        ("claude", "refinement"): "Edited 1 file",  # the rejected edit is not counted
        ("claude", "review"): "Ran the tests once; the last run passed",  # the interrupted run is not
        ("alice", "direction"): "Made 3 requests, 1 of them a correction",
        ("alice", "decision"): "Turned down 1 proposal",
    }
    checked = check(runner)
    assert checked.exit_code == 0 and "0 errors" in checked.output


def test_candidates_are_commented_with_their_evidence(runner, site):
    run(runner, str(TRANSCRIPT), "--human", "alice")
    text = (site / DRAFT).read_text(encoding="utf-8")
    # a rejected tool use and the reason typed with it
    assert "#   - topic: Changing checkout/clock.py  # candidate: transcript line 13, 21:21:07Z" in text
    assert "“use the existing reset_clock helper instead of changing now()”" in text
    # the interrupt, the correction after it, a question handed back, the sub-agent's work, a hedge
    assert "#         stance: Stopped it" in text
    assert "TODO(import) rewrite: “no, only run the checkout tests" in text
    assert "A question: “Should I also add reset_clock to the two other tests the sub-agent found?”" in text
    assert "Delegated to a sub-agent: Check other tests for the clock bug, its work returned" in text
    assert ("    # uncertainty: “I'm not sure the fixture resets the clock between runs, which would explain one "
            "failure in five.”  # candidate: transcript line 5, 21:14:10Z") in text
    assert "#     about: usefulness" in text
    # what only a person knows
    assert record_todos(text) >= 5 and "goal: TODO(import) what this session set out to do" in text
    assert "confidence:" not in body(text)["contributions"][0]


def record_todos(text: str) -> int:
    return text.count("TODO(import)")


def test_uncommented_candidates_make_a_valid_record(runner, site):
    run(runner, str(TRANSCRIPT), "--human", "alice")
    path = site / DRAFT
    record = body(uncommented(path.read_text(encoding="utf-8")))
    assert len(record["disagreements"]) == 3 and record["disagreements"][0]["resolution"]["adopted"] == "alice"
    assert {h["to"] for h in record["handoffs"]} == {"alice", "claude"}
    path.write_text(uncommented(path.read_text(encoding="utf-8")), encoding="utf-8")
    checked = check(runner)
    assert checked.exit_code == 0, checked.output
    assert "still commented out" not in checked.output


def test_check_warns_on_each_todo_and_on_candidates_left_commented_in_a_published_record(runner, site):
    run(runner, str(TRANSCRIPT), "--human", "alice")
    path = site / DRAFT
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index("goal: TODO(import) what this session set out to do") + 1
    draft = check(runner)
    assert f"{DRAFT}:{line}:7: warning: TODO(import): only a person knows this" in draft.output
    assert draft.output.count("warning: TODO(import)") == record_todos(text)
    assert "still commented out" not in draft.output  # a draft may hold candidates
    path.write_text(text.replace("status: draft", "status: published"), encoding="utf-8")
    published = check(runner)
    assert published.exit_code == 0  # warnings: `build --strict` fails on them
    candidates = [n for n, line in enumerate(text.splitlines(), 1) if line.lstrip().startswith("#")
                  and "# candidate:" in line]  # fmt: skip
    found = re.findall(rf"{re.escape(DRAFT)}:(\d+):\d+: warning: a candidate from 'pjournal import' is still "
                       "commented out", published.output)  # fmt: skip
    assert [int(n) for n in found] == candidates and len(candidates) == 8


def test_a_sub_agents_file_is_read_as_its_session_never_as_one_of_its_own(runner, site):
    alone = run(runner, str(SUBAGENT), "--human", "alice")
    assert alone.exit_code == 0, alone.output
    assert alone.stdout == f"{DRAFT}\n"
    assert "a sub-agent's transcript: read as part of its session" in alone.stderr
    listed = run(runner, str(CLAUDE), "--list")
    assert listed.exit_code == 0, listed.output
    assert [line.split()[1] for line in listed.stdout.splitlines()[1:]] == [SESSION]


def test_one_reply_over_several_lines_is_one_turn(runner, site):
    listed = run(runner, str(TRANSCRIPT), "--list")
    assert listed.exit_code == 0, listed.output
    header, row = listed.stdout.splitlines()
    assert header.split() == ["TOOL", "SESSION", "START", "END", "TURNS", "MODEL", "TITLE"]
    # 3 requests and 8 replies: one reply is three lines, another two, and a line written twice counts once;
    # the model is the main conversation's, not the sub-agent's
    assert row.split()[:8] == ["claude-code", SESSION, "2026-01-12", "21:14", "2026-01-12", "21:25", "11",
                               "claude-opus-4-5-20251101"]  # fmt: skip
    assert not (site / "journal/sessions").exists()


def test_nothing_private_reaches_any_output(runner, site):
    outputs = []
    for source in (TRANSCRIPT, REDACTED, ROLLOUT, AIDER, CHATGPT):
        for extra in (["--dry-run"], [], ["--list"]):
            result = run(runner, str(source), "--human", "alice", *extra)
            assert result.exit_code == 0, result.output
            outputs += [result.stdout, result.stderr]
    outputs += drafts(site).values()
    leaked = {secret for secret in NEVER for output in outputs if secret in output}
    assert leaked == set()
    text = (site / DRAFT).read_text(encoding="utf-8")
    assert ("# Redacted before writing: 1 anonymous-partner, 1 api-key, 1 e-mail-address, 1 home-folder, "
            "5 repository-path.") in text
    assert "([redacted:anonymous-partner] saw it too; the log is in ~\\ci\\run.log). Fix tests/test_checkout.py" in text
    assert "task-notification job" in text  # a word with "sk-" in it is no key


def test_the_sites_redact_patterns_apply_too(runner, site):
    (site / "mkdocs.yml").write_text("site_name: Ours\nplugins:\n  - partnership-journal:\n      redact:\n"
                                     "        - reset_clock\n", encoding="utf-8")  # fmt: skip
    result = run(runner, str(TRANSCRIPT), "--human", "alice")
    assert result.exit_code == 0, result.output
    text = (site / DRAFT).read_text(encoding="utf-8")
    assert "reset_clock" not in text and "“use the existing [redacted:redact-pattern] helper" in text
    assert "4 redact-pattern" in text.splitlines()[3]


def test_a_fully_redacted_transcript_still_gives_a_valid_draft(runner, site):
    result = run(runner, str(REDACTED), "--human", "alice")
    assert result.exit_code == 0, result.output
    (path,) = [site / p for p in drafts(site)]
    text = path.read_text(encoding="utf-8")
    # the home folder is the session's folder here: what is under it becomes relative
    assert "# Redacted before writing: 1 e-mail-address, 1 github-token, 1 private-key, 1 repository-path." in text
    assert body(text)["title"] == "TODO(import) a title"
    assert path.name == "2026-02-02-claude-code-" + path.name.rsplit("-", 1)[1]
    assert check(runner).exit_code == 0


def test_importing_again_rewrites_an_unedited_draft_byte_for_byte(runner, site):
    first = run(runner, str(TRANSCRIPT), "--human", "alice")
    before = (site / DRAFT).read_bytes()
    again = run(runner, str(TRANSCRIPT), "--human", "alice")
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert (site / DRAFT).read_bytes() == before
    assert list((site / "journal/sessions/2026").iterdir()) == [site / DRAFT]


def test_an_edited_draft_is_left_alone_unless_forced(runner, site):
    run(runner, str(TRANSCRIPT), "--human", "alice")
    path = site / DRAFT
    fresh = path.read_text(encoding="utf-8")
    edited = fresh.replace("goal: TODO(import) what this session set out to do", "goal: Fix the flaky test")
    path.write_text(edited, encoding="utf-8")
    left = run(runner, str(TRANSCRIPT), "--human", "alice")
    assert left.exit_code == 3
    assert left.stderr.splitlines()[-1] == (f"{DRAFT}: edited since it was imported, so left as it is (--force "
                                            "rewrites it, keeping the edited file as .bak)")  # fmt: skip
    assert path.read_text(encoding="utf-8") == edited
    forced = run(runner, str(TRANSCRIPT), "--human", "alice", "--force")
    assert forced.exit_code == 0, forced.output
    assert path.read_text(encoding="utf-8") == fresh
    assert (site / f"{DRAFT}.bak").read_text(encoding="utf-8") == edited
    assert check(runner).exit_code == 0  # the kept file is no record


def test_a_truncated_last_line_and_an_unknown_line_type_are_reported_and_skipped(runner, site):
    copy = site / "growing.jsonl"
    copy.write_bytes(TRANSCRIPT.read_bytes() + b'{"type":"user","message":{"role":"us')
    result = run(runner, str(copy), "--human", "alice")
    assert result.exit_code == 0, result.output
    lines = TRANSCRIPT.read_bytes().count(b"\n")
    assert f"growing.jsonl:{lines + 1}: the last line is incomplete (is the session still going on?); skipped" in result.stderr
    assert "growing.jsonl:9: unknown line type 'mystery-event'; skipped" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_transcript_gets_one_line_and_exit_1(runner, site):
    (site / "notes.md").write_text("# Notes\n\nNothing here.\n", encoding="utf-8")
    result = run(runner, "notes.md")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: notes.md: not a transcript pjournal import reads (a Claude Code "
                                          "or Codex CLI JSONL file, an aider chat history, a ChatGPT export)"]  # fmt: skip


def test_dry_run_prints_the_drafts_and_writes_nothing(runner, site):
    result = run(runner, str(TRANSCRIPT), "--human", "alice", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# would write {DRAFT}\n# Drafted by `pjournal import`")
    assert not (site / "journal/sessions").exists()


def test_latest_takes_the_newest_session_of_this_folder(runner, site, monkeypatch):
    home = site / "home"
    work = site / "work" / "shop"
    work.mkdir(parents=True)
    folder = home / ".claude/projects" / re.sub(r"[^A-Za-z0-9]", "-", str(work))
    folder.mkdir(parents=True)
    shutil.copy(REDACTED, folder / REDACTED.name)
    shutil.copy(TRANSCRIPT, folder / TRANSCRIPT.name)
    os.utime(folder / REDACTED.name, (1_700_000_000, 1_700_000_000))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.chdir(work)
    result = run(runner, "--latest", "claude-code", "--human", "alice", "--journal", str(site / "journal"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("2026-01-12-fixing-the-flaky-checkout-test.yaml")
    elsewhere = site / "work"
    monkeypatch.chdir(elsewhere)
    none = run(runner, "--latest", "claude-code", "--journal", str(site / "journal"))
    assert none.exit_code == 1 and "--latest claude-code: no session of this folder in ~/.claude/projects/" in none.stderr


def test_a_codex_rollout(runner, site):
    result = run(runner, str(ROLLOUT), "--human", "alice")
    assert result.exit_code == 0, result.output
    (text,) = drafts(site).values()
    record = body(text)
    work = {(c["by"], c["kind"]): c["summary"] for c in record["contributions"]}
    assert work == {
        ("claude", "drafting"): "Wrote 1 new file",  # the patch's Add File
        ("claude", "exploration"): "Searched the code once",
        ("claude", "refinement"): "Edited 1 file",  # its Update File
        ("claude", "review"): "Ran the tests once; the last run passed",  # one refused, one interrupted
        ("alice", "direction"): "Made 2 requests, 1 of them a correction",  # not the injected context
        ("alice", "decision"): "Turned down 1 proposal",
    }
    assert "#   - topic: Running `pytest -q`  # candidate: rollout line 13, 09:03:52Z" in text
    assert "# TODO(import) which AI partner this was: the model gpt-5-codex is no partner's model" in text
    assert "no partner has the model gpt-5-codex; to add one, paste into partners.yaml:\n- id: gpt-5-codex\n" in result.stderr
    assert "It might not cover the async handlers" in text
    assert text.count("#         stance: Stopped it") == 1
    assert check(runner).exit_code == 0


def sub_agent_rollout(folder: Path, source: object, name: str = "0199a3b2-0000-7000-8000-00000000c0de") -> Path:
    """A Codex sub-agent's rollout beside the fixture's: its parent's instructions, one search, one reply."""
    lines = [
        {"type": "session_meta", "payload": {"id": name, "cwd": "/Users/bob/src/api", "source": source}},
        {"type": "event_msg", "payload": {"type": "user_message", "message": "Find every caller of login"}},
        {"type": "response_item", "payload": {"type": "function_call", "name": "shell", "call_id": "c1",
                                              "arguments": json.dumps({"command": ["bash", "-lc", "rg -n login src"]})}},
        {"type": "response_item", "payload": {"type": "message", "role": "assistant",
                                              "content": [{"type": "output_text", "text": "Two callers."}]}},
    ]  # fmt: skip
    path = folder / f"rollout-2026-01-14T09-05-00-{name}.jsonl"
    path.write_text("".join(json.dumps({"timestamp": "2026-01-14T09:05:00.000Z", **line}) + "\n" for line in lines))
    return path


def test_a_codex_sub_agents_rollout_is_read_as_its_session_never_as_one_of_its_own(runner, site):
    folder = site / "rollouts"
    folder.mkdir()
    parent = shutil.copy(ROLLOUT, folder)
    spawned = {"subagent": {"thread_spawn": {"parent_thread_id": ROLLOUT.stem[-36:], "depth": 1}}}
    child = sub_agent_rollout(folder, spawned)
    listed = run(runner, str(folder), "--list")
    assert listed.exit_code == 0, listed.output
    assert [line.split()[1] for line in listed.stdout.splitlines()[1:]] == [ROLLOUT.stem[-36:]]  # the parent alone
    alone = run(runner, str(child), "--human", "alice")
    assert alone.exit_code == 0, alone.output
    assert f"a Codex sub-agent's rollout: read as part of its session, {Path(parent).name}" in alone.stderr
    (text,) = drafts(site).values()
    work = {(c["by"], c["kind"]): c["summary"] for c in body(text)["contributions"]}
    assert work[("claude", "exploration")] == "Searched the code twice"  # once of them the sub-agent
    assert work[("alice", "direction")] == "Made 2 requests, 1 of them a correction"  # not the parent agent's words
    read = hashlib.sha256(Path(parent).read_bytes() + child.read_bytes()).hexdigest()
    assert body(text)["imported_from"]["digest"] == f"sha256:{read}"  # a sub-agent still writing changes it
    review = sub_agent_rollout(site, {"subagent": "review"}, "0199a3b2-0000-7000-8000-0000000feed5")
    orphan = run(runner, str(review), "--human", "alice", "--dry-run")
    assert "a Codex sub-agent's rollout (review), and the rollout of the session that spawned it is not beside " \
           "it; skipped" in orphan.stderr


def test_an_aider_history(runner, site):
    result = run(runner, str(AIDER), "--human", "alice")
    assert result.exit_code == 0, result.output
    assert "1 run in which nobody said anything; skipped" in result.stderr
    (text,) = drafts(site).values()
    record = body(text)
    assert record["imported_from"]["session"] == "2026-01-15T10:05:12"
    work = {(c["by"], c["kind"]): c["summary"] for c in record["contributions"]}
    assert work[("claude", "refinement")] == "Edited 1 file (2 edits)"
    assert work[("alice", "direction")] == "Made 3 requests, 1 of them a correction"  # a line in a code block is none
    assert work[("alice", "decision")] == "Said yes once to what the AI proposed and turned down 1 proposal"
    assert work[("alice", "context")] == "Added 1 file or page to the chat"
    # an `n` to a command, and an /undo: the undone commit did not hold up
    assert "#   - topic: Running `python -m pytest tests/test_report.py`  # candidate: history line 48" in text
    assert ("  # - by: claude  # candidate: history line 51\n  #   kind: refinement\n"
            "  #   summary: Commit 4e5f6a7, undone with /undo\n  #   held_up: false\n") in text
    assert "#         stance: Undid it with /undo" in text
    assert check(runner).exit_code == 0


def test_a_chatgpt_export_with_an_edited_request_and_a_regenerated_answer(runner, site):
    result = run(runner, str(CHATGPT), "--human", "alice")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["journal/sessions/2026/2026-01-15-release-notes-for-2-0.yaml",
                                          "journal/sessions/2026/2026-01-16-a-quick-question.yaml"]  # fmt: skip
    text = drafts(site)["journal/sessions/2026/2026-01-15-release-notes-for-2-0.yaml"]
    assert "#         stance: Had the answer written again (ChatGPT kept both)" in text
    assert "#         stance: Rewrote the request (ChatGPT kept both)" in text
    assert "FIRST_ANSWER_TEXT" not in text and "Make it shorter." not in text.replace("Make it shorter,", "")
    assert "#     about: style" in text
    assert check(runner).exit_code == 0


def test_one_conversation_of_a_zipped_export(runner, site):
    export = site / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.write(CHATGPT, "conversations.json")
        archive.writestr("user.json", '{"email": "carol@example.com"}')
    result = run(runner, str(export), "--session", "A quick question", "--human", "alice", "--ai", "claude")
    assert result.exit_code == 0, result.output
    assert result.stdout == "journal/sessions/2026/2026-01-16-a-quick-question.yaml\n"
    record = body(drafts(site)["journal/sessions/2026/2026-01-16-a-quick-question.yaml"])
    assert [(c["by"], c["kind"], c["summary"]) for c in record["contributions"]] == [
        ("claude", "other", "Replied once"), ("alice", "direction", "Made 1 request")]  # fmt: skip
    missing = run(runner, str(export), "--session", "nothing like it")
    assert missing.exit_code == 1 and "--session nothing like it: no session of that id or title" in missing.stderr


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Alice Example", "GIT_AUTHOR_EMAIL": "alice@example.com",
           "GIT_COMMITTER_NAME": "Alice Example", "GIT_COMMITTER_EMAIL": "alice@example.com",
           "GIT_AUTHOR_DATE": "2026-01-20T10:00:00Z", "GIT_COMMITTER_DATE": "2026-01-20T10:00:00Z"}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_git_range_with_a_revert(runner, site):
    if shutil.which("git") is None:
        needs_tool("git")
    repo = site / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "a.py").write_text("a = 1\n")
    _git(repo, "add", "a.py")
    _git(repo, "commit", "-q", "-m", "Start")
    (repo / "a.py").write_text("a = 2\n")
    (repo / "b.py").write_text("b = 1\n")
    _git(repo, "add", "a.py", "b.py")
    _git(repo, "commit", "-q", "-m", "Add b\n\nCo-authored-by: Claude <noreply@anthropic.com>")
    ai = _git(repo, "rev-parse", "--short=7", "HEAD")
    (repo / "c.py").write_text("c = 1\n")
    _git(repo, "add", "c.py")
    _git(repo, "commit", "-q", "-m", "Add c\n\nAssisted-by: claude-opus-4-5-20251101")
    _git(repo, "revert", "--no-edit", ai)
    revert = _git(repo, "rev-parse", "--short=7", "HEAD")
    os.chdir(repo)
    result = run(runner, "--git", "HEAD~3..HEAD", "--human", "alice", "--journal", str(site / "journal"))
    assert result.exit_code == 0, result.output
    (text,) = drafts(site).values()
    record = body(text)
    assert record["imported_from"]["tool"] == "git"
    assert [p["partner"] for p in record["partners"]] == ["alice", "claude"]  # by the Assisted-by trailer's model
    work = {(c["by"], c["kind"]): c["summary"] for c in record["contributions"]}
    assert work == {
        ("claude", "drafting"): "Took part in 2 commits that added 2 files",
        ("claude", "refinement"): "Took part in 1 commit that changed 1 file",
        ("alice", "refinement"): "Made 1 commit without an AI",
        ("alice", "decision"): "Committed 2 AI-assisted changes",
    }
    assert f"  #   summary: Commit {ai}, reverted by commit {revert}\n  #   held_up: false\n" in text
    assert "alice@example.com" not in text and "Alice Example" not in text
    checked = runner.invoke(cli, ["check", str(site / "journal")])
    assert checked.exit_code == 0, checked.output
    bad = run(runner, "--git", "nowhere..HEAD", "--journal", str(site / "journal"))
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: --git nowhere..HEAD: ")


def test_without_quotes_nothing_a_person_wrote_is_quoted(runner, site):
    result = run(runner, str(TRANSCRIPT), "--human", "alice", "--no-quotes")
    assert result.exit_code == 0, result.output
    text = (site / DRAFT).read_text(encoding="utf-8")
    assert "reset_clock helper" not in text and "rewrite:" not in text and "first request" not in text
    assert "#         stance: Turned it down and said why" in text
    assert "I'm not sure the fixture resets the clock" in text  # the AI's hedge is no person's words


def test_an_unknown_human_gets_an_entry_to_paste_and_nothing_is_written(runner, site):
    result = run(runner, str(TRANSCRIPT), "--human", "sam")
    assert result.exit_code == 1
    assert "unknown partner 'sam'; add it to partners.yaml:\n- id: sam\n  name: sam\n  kind: human" in result.stderr
    assert not (site / "journal/sessions").exists()
    assert (site / "journal/partners.yaml").read_text(encoding="utf-8") == PARTNERS


@pytest.mark.build
def test_an_imported_draft_renders_with_drafts_and_its_origin_stays_off_the_pages(runner, site):
    run(runner, str(TRANSCRIPT), "--human", "alice")
    result = runner.invoke(cli, ["render", "journal", "-o", "out", "--drafts"])
    assert result.exit_code == 0, result.output
    pages = {p.relative_to(site / "out").as_posix(): p.read_text(encoding="utf-8")
             for p in (site / "out").rglob("*.md")}  # fmt: skip
    page = next(text for name, text in pages.items() if "fixing-the-flaky-checkout-test" in name)
    assert "Fixing the flaky checkout test" in page and "draft" in page
    assert not any("imported_from" in text or "sha256:" in text for text in pages.values())
    assert '"imported_from"' in (site / "out/journal.json").read_text(encoding="utf-8")


@pytest.mark.build
def test_serve_with_drafts_shows_an_imported_draft_at_once(runner, site):
    """The path README gives: import, then `pjournal serve --drafts` shows the draft as a page."""
    run(runner, str(TRANSCRIPT), "--human", "alice")
    [name] = [Path(p).stem for p in drafts(site)]
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--drafts", "-a", f"127.0.0.1:{port}"],
                              cwd=site, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        page = f"http://127.0.0.1:{port}/sessions/{name}/"
        assert wait_for(lambda: "Fixing the flaky checkout test" in fetch(page), 120)
        assert "TODO(import)" in fetch(page), "what only a person knows is shown as still to write"
    finally:
        output = stop(server)
    assert "Traceback" not in output


def test_what_claude_code_adds_to_a_persons_message_for_the_model_is_not_their_words(runner, site, tmp_path):
    """A `<system-reminder>` Claude Code puts into a person's message is taken out, to its closing tag;
    one never closed stays (it may be the person's own text)."""
    lines = TRANSCRIPT.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if '"uuid":"u-0001"' in line)
    entry = json.loads(lines[first])
    typed = entry["message"]["content"]
    entry["message"]["content"] = [
        {"type": "text", "text": "<system-reminder>Plan mode is off. REMINDER-FOR-THE-MODEL</system-reminder>"},
        {"type": "text", "text": "<system-reminder>unclosed, so the person's own. " + typed},
    ]
    lines[first] = json.dumps(entry)
    copied = tmp_path / "transcripts" / TRANSCRIPT.name
    write(copied, "\n".join(lines) + "\n")
    result = run(runner, str(copied), "--human", "alice")
    assert result.exit_code == 0, result.output
    text = (site / DRAFT).read_text(encoding="utf-8")
    assert "REMINDER-FOR-THE-MODEL" not in text and "Plan mode is off" not in text
    assert "“<system-reminder>unclosed, so the person's own. The checkout test" in text
