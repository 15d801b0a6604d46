"""`pjournal import` of a large Claude Code transcript: wall time and peak memory.

    python benchmarks/import.py [--megabytes 100] [--repeat 3] [--work DIR]

Writes a transcript of about `--megabytes` MB into WORK (default: a temporary folder): turns
of a working session (requests, replies split over lines, file reads, edits, searches, test
runs), with the tool output making up most of the bytes, as in real transcripts, where file
contents and command output dominate. Then runs `pjournal import` on it in a process of its
own, `--repeat` times, and prints each run's wall time (a monotonic clock) and peak RSS (the
child's `ru_maxrss`), and the median. Run it with the project's virtualenv Python: `pjournal`
is taken from the folder of that interpreter. The goal: under 10 s and 300 MB at 100 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSION = "5b0e7c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d"
CWD = "/home/dana/work/ledger"


def _line(kind: str, n: int, content: object, **extra: object) -> str:
    record = {"parentUuid": f"u-{n - 1:07d}" if n else None, "isSidechain": False, "userType": "external",
              "cwd": CWD, "sessionId": SESSION, "version": "2.0.76", "gitBranch": "main", "type": kind,
              "uuid": f"u-{n:07d}", "timestamp": f"2026-03-02T{9 + n // 360000 % 12:02d}:{n // 6000 % 60:02d}:"
              f"{n // 100 % 60:02d}.{n % 1000:03d}Z", **extra}  # fmt: skip
    if kind == "user":
        record["message"] = {"role": "user", "content": content}
    else:
        record["message"] = {"model": "claude-opus-4-5-20251101", "id": f"msg_{n // 3:08d}", "type": "message",
                             "role": "assistant", "content": content, "stop_reason": None,
                             "usage": {"input_tokens": 1200, "output_tokens": 300}}  # fmt: skip
    return json.dumps(record, separators=(",", ":")) + "\n"


def transcript(path: Path, megabytes: int) -> int:
    """Write a transcript of about `megabytes` MB; the number of lines it has."""
    output = ("    def total(self, items):\n        return sum(item.price for item in items)\n" * 220)[:16_000]
    target = megabytes * 1_000_000
    n = written = 0
    with path.open("w", encoding="utf-8") as f:
        while written < target:
            step = n // 8
            tool = ("Read", {"file_path": f"{CWD}/src/module_{step % 400}.py"}) if step % 4 else (
                ("Bash", {"command": "python -m pytest -q tests/"}) if step % 3 else
                ("Edit", {"file_path": f"{CWD}/src/module_{step % 400}.py", "old_string": "a", "new_string": "b"}))
            lines = [
                _line("user", n, f"Step {step}: look at module {step % 400} and tell me what breaks. " * 3),
                _line("assistant", n + 1, [{"type": "thinking", "thinking": "…" * 400, "signature": "x" * 200}]),
                _line("assistant", n + 2, [{"type": "text", "text": "I'm not sure this is the only caller; "
                                                                      "I'll read it first."}]),
                _line("assistant", n + 3, [{"type": "tool_use", "id": f"toolu_{n}", "name": tool[0],
                                            "input": tool[1]}]),
                _line("user", n + 4, [{"tool_use_id": f"toolu_{n}", "type": "tool_result", "content": output,
                                       "is_error": False}],
                      toolUseResult={"type": "text", "file": {"filePath": tool[1].get("file_path", ""),
                                                              "content": output, "numLines": 220}}),
            ]  # fmt: skip
            for line in lines:
                f.write(line)
                written += len(line)
            n += 8
    return n // 8 * 5


def measure(pjournal: Path, source: Path, journal: Path) -> tuple[float, float, float]:
    """One import in a process of its own: (wall seconds, CPU seconds, peak RSS in MB)."""
    for old in (journal / "sessions").rglob("*.yaml"):
        old.unlink()
    launcher = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
                "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
                "used = resource.getrusage(resource.RUSAGE_CHILDREN); "
                "print(used.ru_maxrss, used.ru_utime + used.ru_stime)")  # fmt: skip
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", launcher, str(pjournal), "import", str(source), "--journal",
                           str(journal), "--human", "dana"], capture_output=True, text=True, check=True)  # fmt: skip
    seconds = time.monotonic() - start
    peak, cpu = done.stdout.split()
    megabytes = int(peak) / 1024 / (1024 if sys.platform == "darwin" else 1)  # macOS counts bytes, Linux KB
    return seconds, float(cpu), megabytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path)
    options = parser.parse_args()
    pjournal = Path(sys.executable).parent / "pjournal"
    work = options.work or Path(tempfile.mkdtemp(prefix="pj-import-"))
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"{SESSION}.jsonl"
    if not source.is_file() or source.stat().st_size < options.megabytes * 1_000_000:
        lines = transcript(source, options.megabytes)
        print(f"wrote {source} ({source.stat().st_size / 1e6:.1f} MB, {lines:,} lines)")
    journal = work / "journal"
    (journal / "sessions").mkdir(parents=True, exist_ok=True)
    (journal / "partners.yaml").write_text("- {id: dana, name: Dana, kind: human}\n"
                                           "- {id: claude, name: Claude, kind: ai, model: claude-opus-4-5}\n")  # fmt: skip
    runs = [measure(pjournal, source, journal) for _ in range(options.repeat)]
    for n, (seconds, cpu, megabytes) in enumerate(runs, 1):
        print(f"run {n}: {seconds:.2f} s wall, {cpu:.2f} s CPU, peak RSS {megabytes:.0f} MB")
    print(f"median: {statistics.median(r[0] for r in runs):.2f} s wall, {statistics.median(r[1] for r in runs):.2f} s "
          f"CPU, peak RSS {statistics.median(r[2] for r in runs):.0f} MB "
          f"({os.cpu_count()} cores; {source.stat().st_size / 1e6:.0f} MB transcript)")  # fmt: skip


if __name__ == "__main__":
    main()
