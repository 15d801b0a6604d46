"""What an editor shows for a record: the real yaml-language-server (npm), spoken to over the
Language Server Protocol on stdio, with the settings `pjournal init` wrote in .vscode/settings.json
(as VS Code's YAML extension hands them over), for a record two folders deep."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from generator.cli import cli
from generator.model import FIELD_DOCS, MEMBER_DOCS, ContributionKind, Session
from helpers import write

pytestmark = pytest.mark.build  # spawns node

RECORD = """\
title: Moved two folders down
date: 2026-02-03
partners:
  - partner: sam
  - partner: assistant
goal: Check that editors still know the record
contributions:
  - by: assistant
    kind: research
    summary: Looked it up
    confidance: 0.7

"""


class LanguageServer:
    """A language server process and JSON-RPC over its stdin and stdout (Content-Length framed)."""

    def __init__(self, command: list[str], settings: dict[str, Any], root: Path) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)  # fmt: skip
        self.settings, self.next_id = settings, 0
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        threading.Thread(target=self._read, daemon=True).start()
        uri = root.as_uri()
        self.request("initialize", {
            "processId": None, "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": root.name}],
            "capabilities": {"workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                             "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]},
                                              "completion": {"completionItem": {"snippetSupport": False}}}},
        })  # fmt: skip
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def _answer(self, message: dict[str, Any]) -> None:
        """The server's own requests: its settings (by section), and whatever else, with null."""
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in message["params"]["items"]]
        self._send({"id": message["id"], "result": result})

    def pump(self, until, seconds: float = 30) -> Any:
        """Handle messages until `until(message)` gives something other than None, and return that."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if "method" in message and "id" in message:
                self._answer(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            if (found := until(message)) is not None:
                return found
        raise AssertionError("the language server did not answer in time")

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        number = self.next_id
        self._send({"id": number, "method": method, "params": params})
        reply = self.pump(lambda m: m if m.get("id") == number and "method" not in m else None)
        assert "error" not in reply, reply
        return reply.get("result")

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def adopted(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site from `pjournal init`, with a record two folders below sessions/ that names no schema."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["init", "."]).exit_code == 0
    write(tmp_path / "journal/sessions/2026/02/moved.yaml", RECORD)
    return tmp_path


def test_yaml_language_server_checks_completes_and_explains_a_record_two_folders_deep(adopted, node_tools):
    settings = json.loads((adopted / ".vscode/settings.json").read_text())
    yaml_settings = {"schemas": settings["yaml.schemas"], "validate": True, "completion": True, "hover": True}
    server = LanguageServer(["node", str(node_tools / "node_modules/yaml-language-server/bin/yaml-language-server"),
                             "--stdio"], {"yaml": yaml_settings}, adopted)  # fmt: skip
    try:
        uri = (adopted / "journal/sessions/2026/02/moved.yaml").as_uri()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                "text": RECORD}})  # fmt: skip
        diagnostics = server.pump(lambda m: server.diagnostics.get(uri) or None)
        assert [(d["range"]["start"]["line"], d["message"]) for d in diagnostics] == [
            (10, "Property confidance is not allowed.")
        ]

        position = {"textDocument": {"uri": uri}, "position": {"line": 12, "character": 0}}
        completion = server.request("textDocument/completion", position)
        offered = {item["label"] for item in (completion["items"] if isinstance(completion, dict) else completion)}
        assert {"notes", "lessons", "disagreements", "feedback", "handoffs", "case_study"} <= offered
        assert "title" not in offered  # there already

        hover = server.request("textDocument/hover", {**position, "position": {"line": 5, "character": 1}})
        assert FIELD_DOCS[Session]["goal"] in hover["contents"]["value"]
        kind = server.request("textDocument/hover", {**position, "position": {"line": 8, "character": 12}})
        assert MEMBER_DOCS[ContributionKind]["research"] in kind["contents"]["value"]
    finally:
        server.close()
