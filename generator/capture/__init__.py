"""Capture: `pjournal import` drafts session records from what a session left behind.

The pipeline, one module a step: `detect` (which format a source is), the readers (one a
format: `claude_code`, `codex`, `aider`, `chatgpt`, `git`, sharing `read`), which all give the
one event stream of `normalise`; `redact` (secrets, addresses, home folders, anonymous
partners, out before anything is written or printed), `signals` (facts and candidates),
`draft` (the YAML text), and `pipeline`, which runs them and writes the drafts.
"""
