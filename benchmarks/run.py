"""The "speed at scale" benchmark: pjournal against the floor, a plain MkDocs site and the blog plugin.

    python benchmarks/run.py [--sizes 100,1000,10000] [--repeat 3] [--blog-sizes 1000,5000]
                             [--skip-blog] [--serve-sizes 1000] [--serve-ours-only] [--skip-serve] [--json OUT]

Run it with the project's virtualenv Python: `pjournal`, `mkdocs` and `python` are taken
from the folder of that interpreter. For each size N the synthetic journal and the two
comparison sites (benchmarks/synth.py: the equal plain site, the light site, the blog) are generated once into WORK/N and reused. Every
measured command runs in its own process; wall time is measured here with a monotonic
clock (the VM's wall clock can jump), peak RSS by `/usr/bin/time -f %M` (or, without it,
a small launcher that reads RUSAGE_CHILDREN after the child exits). See README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/ from importing synth
import synth  # noqa: E402

BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink out of the venv
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
GNU_TIME = Path("/usr/bin/time")
PLUGIN = "partnership-journal"

# Loads every YAML file of the journal with libyaml's safe loader and nothing else: the floor for `check`.
FLOOR = (
    "import sys, pathlib, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    with open(p, 'rb') as f: yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
# Used only when /usr/bin/time is missing: run the command, then report what /usr/bin/time -f "%M %U %S" would.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{r.ru_maxrss} {r.ru_utime} {r.ru_stime}')\n"
    "sys.exit(code)\n"
)


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        sys.exit(f"run.py: '{name}' not found next to {sys.executable} or on PATH")
    return found


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Data ------------------------------------------------------------------------------------------


def ensure_data(work: Path, n: int, seed: int) -> Path:
    """WORK/N with the journal and the comparison sites; generated only when missing or stale.

    The light site has as many pages as ours: they are counted in a `pjournal render` of the journal.
    """
    out = work / str(n)
    marker = out / ".synth-done"
    stamp = f"format={synth.FORMAT} seed={seed} n={n}"
    if marker.is_file() and marker.read_text() == stamp:
        return out
    say(f"[N={n}] generating the synthetic journal and sites in {out}")
    start = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "synth.py"), str(n), str(out), "--seed", str(seed)], check=True, env=ENV)
    with tempfile.TemporaryDirectory(prefix="pj-bench-pages-") as tmp:
        subprocess.run([tool("pjournal"), "render", "-o", tmp, "journal"], cwd=out, check=True, env=ENV,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        pages = sum(1 for _ in Path(tmp).rglob("*.md")) + 1  # and the site's home page
    synth.write_light(out / "light", pages, seed)
    marker.write_text(stamp)
    say(f"[N={n}] generated in {time.perf_counter() - start:.1f} s (light site: {pages:,} pages)")
    return out


# Measuring commands ----------------------------------------------------------------------------


class Failed(Exception):
    pass


def run_once(cmd: list[str], cwd: Path, timeout: float) -> tuple[float, float, float]:
    """One run in a fresh process: (wall seconds, peak RSS in MB, CPU seconds). Raises Failed on a non-zero exit.

    CPU seconds (user + system) show how busy the machine was: on an idle machine they are close to wall time.
    """
    with tempfile.TemporaryDirectory(prefix="pj-bench-") as tmp:
        rss_file = Path(tmp) / "rss"
        err_file = Path(tmp) / "stderr"
        if GNU_TIME.exists():
            wrapped = [str(GNU_TIME), "-f", "%M %U %S", "-o", str(rss_file), *cmd]
        else:
            wrapped = [sys.executable, "-c", LAUNCHER, str(rss_file), *cmd]
        with open(err_file, "wb") as err:
            start = time.perf_counter()
            try:
                code = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=ENV, timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                raise Failed(f"{' '.join(cmd)} (in {cwd}) took more than {timeout:.0f} s") from None
            elapsed = time.perf_counter() - start
        stderr = err_file.read_text(errors="replace").strip()
        if code != 0:
            raise Failed(f"{' '.join(cmd)} (in {cwd}) exited with {code}:\n{stderr[-3000:]}")
        if stderr:
            say(f"    stderr of {Path(cmd[0]).name}: {stderr.splitlines()[0][:200]}"
                + (f" (+{len(stderr.splitlines()) - 1} lines)" if len(stderr.splitlines()) > 1 else ""))
        figures = rss_file.read_text().strip().splitlines()
        rss_kb, user, system = (float(x) for x in figures[-1].split()) if figures else (float("nan"),) * 3
        return elapsed, rss_kb / 1024, user + system


def measure(label: str, commands: dict[str, tuple[list[str], Path]], repeat: int, warmup: int, timeout: float) -> dict[str, Any]:
    """Runs the commands interleaved (A B A B ...), so a change in background load hits all alike."""
    results: dict[str, Any] = {name: {"times": [], "rss_mb": [], "cpu_s": []} for name in commands}
    for i in range(warmup):
        for name, (cmd, cwd) in commands.items():
            run_once(cmd, cwd, timeout)
            say(f"{label} {name}: warm-up {i + 1}/{warmup}")
    for i in range(repeat):
        for name, (cmd, cwd) in commands.items():
            seconds, mb, cpu = run_once(cmd, cwd, timeout)
            results[name]["times"].append(seconds)
            results[name]["rss_mb"].append(mb)
            results[name]["cpu_s"].append(cpu)
            say(f"{label} {name}: run {i + 1}/{repeat}: {seconds:.2f} s, {mb:.0f} MB, {cpu:.2f} CPU s")
    for name, (cmd, cwd) in commands.items():
        r = results[name]
        r.update(command=cmd, cwd=str(cwd), median_s=statistics.median(r["times"]), peak_mb=max(r["rss_mb"]),
                 median_cpu_s=statistics.median(r["cpu_s"]))
    return results


# Serve latency ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


def fetch(url: str, timeout: float) -> str | None:
    """The page's text, or None if the server does not answer (yet) or answers with an error."""
    try:
        with _OPENER.open(url, timeout=max(timeout, 0.1)) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(url: str, test: Callable[[str], bool], timeout: float, proc: subprocess.Popen[bytes]) -> float:
    """Seconds until the page at url passes test; Failed after timeout or if the server died."""
    start = time.perf_counter()
    while True:
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            raise Failed(f"{url} did not show the expected content within {timeout:.0f} s")
        if proc.poll() is not None:
            raise Failed(f"the server exited with {proc.returncode} while waiting for {url}")
        text = fetch(url, left)
        if text is not None and test(text):
            return time.perf_counter() - start
        time.sleep(0.05)


def serve_latency(name: str, cmd: list[str], cwd: Path, url_path: str, edit_file: Path, edit: Callable[[str, str], str],
                  edits: int, timeout: float, log_dir: Path, rest_path: str | None = None) -> dict[str, Any]:
    """Start a server, wait for the page, then edit `edit_file` `edits` times and time each edit until it shows;
    with `rest_path`, also until that other page (one listing the edited record) shows it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{url_path}"
    rest_url = f"http://127.0.0.1:{port}{rest_path}" if rest_path else None
    log_path = log_dir / f"serve-{name.replace(' ', '-')}.log"
    original = edit_file.read_text(encoding="utf-8")
    result: dict[str, Any] = {"command": [*cmd, "-a", f"127.0.0.1:{port}"], "cwd": str(cwd), "url": url, "edited": str(edit_file),
                              "log": str(log_path)}
    say(f"serve {name}: starting {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(result['command']))} in {cwd}")
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(result["command"], cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=ENV)
        try:
            wait_for(url, lambda text: True, timeout, proc)
            result["startup_s"] = time.perf_counter() - start
            say(f"serve {name}: first page after {result['startup_s']:.1f} s")
            time.sleep(1.0)  # let the watcher settle
            latencies, rest = [], []
            for i in range(edits):
                marker = f"Benchmarkedit{i}x{port}"
                edit_file.write_text(edit(original, marker), encoding="utf-8")
                start = time.perf_counter()
                latency = wait_for(url, lambda text: marker in text, timeout, proc)
                latencies.append(latency)
                shown = f"serve {name}: edit {i + 1}/{edits} shown after {latency:.2f} s"
                if rest_url is not None:
                    wait_for(rest_url, lambda text: marker in text, timeout, proc)
                    rest.append(time.perf_counter() - start)
                    shown += f", on {rest_path} after {rest[-1]:.2f} s"
                say(shown)
                time.sleep(1.0)
            result.update(latencies_s=latencies, median_s=statistics.median(latencies))
            if rest:
                result.update(rest_path=rest_path, rest_latencies_s=rest, rest_median_s=statistics.median(rest))
        except Failed as e:
            result["error"] = str(e)
            say(f"serve {name}: FAILED: {e} (log: {log_path})")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            edit_file.write_text(original, encoding="utf-8")
    return result


def _append_to_title(text: str, marker: str) -> str:
    """`title: words` -> `title: words MARKER` in a session record (inside quotes if quoted)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            value = line.rstrip()
            lines[i] = value[:-1] + f" {marker}" + value[-1] if value[-1] in "'\"" else f"{value} {marker}"
            return "\n".join(lines)
    raise Failed("no 'title:' line in the record to edit")


def _append_to_heading(text: str, marker: str) -> str:
    """`# Title` -> `# Title MARKER`: the page's first heading (after any front matter)."""
    return re.sub(r"^(# .*)$", lambda m: f"{m.group(1)} {marker}", text, count=1, flags=re.M)


def journal_prefix(site: Path) -> str:
    """The plugin's `prefix` in the site's mkdocs.yml (default 'journal'), as a URL path part."""
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and PLUGIN in plugin:
            options = plugin[PLUGIN] or {}
            return str(options.get("prefix", "journal")).strip("/")
    return "journal"


def supports_dirty(pjournal: str) -> bool:
    help_text = subprocess.run([pjournal, "serve", "--help"], capture_output=True, text=True, env=ENV).stdout
    return "--dirty" in help_text


def measure_serve(site: Path, edits: int, timeout: float, log_dir: Path, ours_only: bool = False) -> dict[str, Any]:
    pjournal, mkdocs = tool("pjournal"), tool("mkdocs")
    sessions = sorted((site / "journal" / "sessions").rglob("*.yaml"))
    record = sessions[len(sessions) // 2]
    id = record.stem
    prefix = journal_prefix(site)
    ours_url = f"/{prefix}/sessions/{id}/" if prefix else f"/sessions/{id}/"
    plain_page = site / "plain" / "docs" / "sessions" / f"{id}.md"
    logs = log_dir / site.name
    logs.mkdir(exist_ok=True)
    out: dict[str, Any] = {"session": id}
    year_url = f"/{prefix}/years/{record.parent.name}/" if prefix else f"/years/{record.parent.name}/"  # sessions/<year>/
    out["ours"] = serve_latency("pjournal", [pjournal, "serve"], site, ours_url, record, _append_to_title, edits, timeout, logs,
                                rest_path=year_url)
    if ours_only:
        return out
    out["plain"] = serve_latency("plain", [mkdocs, "serve", "--livereload"], site / "plain", f"/sessions/{id}/", plain_page,
                                 _append_to_heading, edits, timeout, logs)
    if supports_dirty(pjournal):
        out["ours_dirty"] = serve_latency("pjournal --dirty", [pjournal, "serve", "--dirty"], site, ours_url, record,
                                          _append_to_title, edits, timeout, logs)
    else:
        out["ours_dirty"] = {"error": "not supported"}
        say("serve pjournal --dirty: not supported (pjournal serve has no --dirty option)")
    out["plain_dirty"] = serve_latency("plain --dirty", [mkdocs, "serve", "--livereload", "--dirty"], site / "plain",
                                       f"/sessions/{id}/", plain_page, _append_to_heading, edits, timeout, logs)
    return out


# The machine -----------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    probe = ("import importlib.metadata as m, platform, json\n"
             "v = lambda d: m.version(d) if d else None\n"
             "print(json.dumps({'python': platform.python_version(), 'mkdocs': v('mkdocs'), "
             "'mkdocs-material': v('mkdocs-material'), 'partnership-journal': v('partnership-journal'), 'PyYAML': v('PyYAML')}))")
    versions = json.loads(subprocess.run([tool("python"), "-c", probe], capture_output=True, text=True, check=True).stdout)
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    commit = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"nproc": nproc, "cpu": cpu, "memory_gb": mem, "platform": platform.platform(), **versions,
            "commit": commit or None, "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "loadavg_start": os.getloadavg()}


# Report ----------------------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.rjust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def targets(report: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Each target of the issue: (target, measured, met?); met is None when not measured."""
    sizes = report["sizes"]
    out: list[tuple[str, str, bool | None]] = []

    def check(text: str, value: float | None, limit: float, shown: str, at_most: bool = True) -> None:
        met = None if value is None else (value <= limit if at_most else value >= limit)
        out.append((text, shown if value is not None else "not measured", met))

    for n in (1000, 10000):
        s = sizes.get(str(n), {})
        r = s.get("check_ratio")
        check(f"check <= 1.5x floor at {n:,}", r, 1.5, f"{fmt(r)}x")
        r = s.get("build_ratio")
        check(f"build <= 1.0x the equal plain site at {n:,}", r, 1.0, f"{fmt(r)}x")
    r = report["blog"].get("5000", {}).get("speedup")
    check(">= 10x faster than the blog at 5,000", r, 10.0, f"{fmt(r)}x", at_most=False)
    g = report["growth"].get("1000->10000", {}).get("build")
    check("build time(10k) <= 11x time(1k)", g, 11.0, f"{fmt(g)}x")
    r = sizes.get("10000", {}).get("memory_ratio")
    check("build memory at 10k <= 1.5x plain", r, 1.5, f"{fmt(r)}x")
    serve = report.get("serve") or {}
    d = serve.get("1000", {}).get("ours", {}).get("median_s")
    check("serve edit-to-page <= 0.5 s at 1,000", d, 0.5, f"{fmt(d)} s")
    return out


def print_report(report: dict[str, Any]) -> None:
    m = report["machine"]
    print()
    print(f"partnership-journal benchmark, {m['date']}")
    print(f"machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB, {m['platform']}")
    print(f"Python {m['python']}, mkdocs {m['mkdocs']}, mkdocs-material {m['mkdocs-material']}, "
          f"partnership-journal {m['partnership-journal']} ({m['commit']}), PyYAML {m['PyYAML']}")
    print(f"load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_start'])}; "
          f"at end {', '.join(f'{x:.2f}' for x in report['loadavg_end'])}; "
          f"median of {report['repeat']} run(s) each")
    print()
    rows = []
    for n, s in sorted(report["sizes"].items(), key=lambda kv: int(kv[0])):
        rows.append([f"{int(n):,}", fmt(s["check_s"]), fmt(s["floor_s"]), fmt(s["check_ratio"], suffix="x"),
                     fmt(s["build_s"]), fmt(s["plain_s"]), fmt(s["build_ratio"], suffix="x"),
                     fmt(s["light_s"]), fmt(s["light_ratio"], suffix="x"), fmt(s["build_mb"], 0), fmt(s["plain_mb"], 0), fmt(s["memory_ratio"], suffix="x")])
    print(table(["N", "check s", "floor s", "ratio", "build s", "plain s", "ratio", "light s", "ratio", "build MB", "plain MB",
                 "ratio"], rows))
    print()
    print("CPU seconds (user + system) of the same runs; far below the wall times above means the machine was busy:")
    rows = []
    for n, s in sorted(report["sizes"].items(), key=lambda kv: int(kv[0])):
        cpu = s["cpu_s"]
        rows.append([f"{int(n):,}", fmt(cpu["check"]), fmt(cpu["floor"]), fmt(ratio(cpu["check"], cpu["floor"]), suffix="x"),
                     fmt(cpu["build"]), fmt(cpu["plain"]), fmt(ratio(cpu["build"], cpu["plain"]), suffix="x")])
    print(table(["N", "check CPU s", "floor CPU s", "ratio", "build CPU s", "plain CPU s", "ratio"], rows))
    if report["blog"]:
        print()
        rows = [[f"{int(n):,}", fmt(b["blog_s"]), fmt(b["build_s"]), fmt(b["speedup"], suffix="x"), fmt(b["blog_mb"], 0),
                 fmt(b["blog_cpu_s"]), fmt(b["build_cpu_s"]), fmt(ratio(b["blog_cpu_s"], b["build_cpu_s"]), suffix="x")]
                for n, b in sorted(report["blog"].items(), key=lambda kv: int(kv[0]))]
        print(table(["N", "blog s", "build s", "blog/build", "blog MB", "blog CPU s", "build CPU s", "CPU ratio"], rows))
    if report["growth"]:
        print()
        for pair, g in report["growth"].items():
            print(f"growth {pair} (time at the larger N / time at the smaller): "
                  + ", ".join(f"{k} {fmt(v, suffix='x')}" for k, v in g.items()))
    for size, serve in sorted((report.get("serve") or {}).items(), key=lambda kv: int(kv[0])):
        print()
        print(f"serve at N={int(size):,} (edit one record's title / one page's heading; seconds until the page shows it):")
        labels = {"ours": "pjournal serve", "plain": "mkdocs serve --livereload (plain)",
                  "ours_dirty": "pjournal serve --dirty", "plain_dirty": "mkdocs serve --livereload --dirty (plain)"}
        for key, label in labels.items():
            r = serve.get(key, {})
            if "median_s" in r:
                print(f"  {label:<45} edit-to-page {r['median_s']:.2f} s (runs: {', '.join(f'{x:.2f}' for x in r['latencies_s'])}); "
                      f"first page after {r['startup_s']:.1f} s")
                if "rest_median_s" in r:
                    print(f"  {'':<45} on {r['rest_path']} (the rest of the site) {r['rest_median_s']:.2f} s "
                          f"(runs: {', '.join(f'{x:.2f}' for x in r['rest_latencies_s'])})")
            elif key in serve:
                print(f"  {label:<45} {r.get('error', 'not measured')}")
    print()
    print("targets:")
    for text, shown, met in targets(report):
        print(f"  {'met    ' if met else 'MISSED ' if met is False else '-      '} {text}: {shown}")


# Main ------------------------------------------------------------------------------------------


def sizes_arg(text: str) -> list[int]:
    try:
        values = [int(x.replace("_", "")) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 100,1000,10000, found {text!r}") from None
    if any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("sizes must be at least 1")
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes_arg, default=[100, 1000, 10000], help="journal sizes (default 100,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the median is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=0, help="unmeasured runs per command first (default 0)")
    parser.add_argument("--blog-sizes", type=sizes_arg, default=[1000, 5000], help="sizes for the blog comparison (default 1000,5000)")
    parser.add_argument("--skip-blog", action="store_true", help="leave out the blog comparison")
    parser.add_argument("--serve-sizes", type=sizes_arg, default=[1000], help="journal sizes for the serve latency (default 1000)")
    parser.add_argument("--serve-ours-only", action="store_true", help="time only `pjournal serve`, not plain mkdocs or --dirty")
    parser.add_argument("--skip-serve", action="store_true", help="leave out the serve latency")
    parser.add_argument("--check-only", action="store_true", help="time only `pjournal check` and its floor (no builds, blog or serve)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pj-bench", help="cache of generated journals (default /tmp/pj-bench)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=3600, help="limit for one measured command, seconds (default 3600)")
    parser.add_argument("--serve-timeout", type=float, default=300, help="limit for each serve wait, seconds (default 300)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also save the raw figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    pjournal, mkdocs, python = tool("pjournal"), tool("mkdocs"), tool("python")
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "warmup": args.warmup, "seed": args.seed,
                              "work": str(args.work), "sizes": {}, "blog": {}, "growth": {}, "serve": {},
                              "raw": {}}
    say(f"tools: {pjournal}, {mkdocs}; peak RSS via {'/usr/bin/time' if GNU_TIME.exists() else 'a RUSAGE_CHILDREN launcher'}")

    def build_of(site: Path) -> dict[str, tuple[list[str], Path]]:
        return {"build": ([pjournal, "build", "-q"], site)}

    for n in args.sizes:
        site = ensure_data(args.work, n, args.seed)
        checks = measure(f"[N={n}]", {"check": ([pjournal, "check", "journal"], site),
                                      "floor": ([python, "-c", FLOOR, "journal"], site)}, args.repeat, args.warmup, args.timeout)
        builds = {} if args.check_only else measure(
            f"[N={n}]", {**build_of(site), "plain": ([mkdocs, "build", "-q"], site / "plain"),
                         "light": ([mkdocs, "build", "-q"], site / "light")}, args.repeat, args.warmup, args.timeout)
        report["raw"][str(n)] = {**checks, **builds}
        c, f = checks["check"], checks["floor"]
        b, p, li = (builds.get(k, {}) for k in ("build", "plain", "light"))
        report["sizes"][str(n)] = {
            "check_s": c["median_s"], "floor_s": f["median_s"], "check_ratio": ratio(c["median_s"], f["median_s"]),
            "build_s": b.get("median_s"), "plain_s": p.get("median_s"), "build_ratio": ratio(b.get("median_s"), p.get("median_s")),
            "build_mb": b.get("peak_mb"), "plain_mb": p.get("peak_mb"), "memory_ratio": ratio(b.get("peak_mb"), p.get("peak_mb")),
            "light_s": li.get("median_s"), "light_ratio": ratio(b.get("median_s"), li.get("median_s")), "light_mb": li.get("peak_mb"),
            "check_mb": c["peak_mb"], "floor_mb": f["peak_mb"],
            "cpu_s": {k: v.get("median_cpu_s") for k, v in (("check", c), ("floor", f), ("build", b), ("plain", p), ("light", li))},
        }

    if not (args.skip_blog or args.check_only):
        for n in args.blog_sizes:
            site = ensure_data(args.work, n, args.seed)
            commands = {"blog": ([mkdocs, "build", "-q"], site / "blog")}
            if str(n) not in report["sizes"]:
                commands.update(build_of(site))  # our build at this size, for the comparison
            runs = measure(f"[N={n}]", commands, args.repeat, args.warmup, args.timeout)
            report["raw"].setdefault(str(n), {}).update(runs)
            ours = report["sizes"].get(str(n))
            build_s = runs["build"]["median_s"] if "build" in runs else ours["build_s"]
            build_cpu = runs["build"]["median_cpu_s"] if "build" in runs else ours["cpu_s"]["build"]
            report["blog"][str(n)] = {"blog_s": runs["blog"]["median_s"], "build_s": build_s,
                                      "speedup": ratio(runs["blog"]["median_s"], build_s), "blog_mb": runs["blog"]["peak_mb"],
                                      "blog_cpu_s": runs["blog"]["median_cpu_s"], "build_cpu_s": build_cpu}

    keys = ("check", "floor", "build", "plain", "light")
    for small in args.sizes:
        large = small * 10
        if str(large) in report["sizes"]:
            report["growth"][f"{small}->{large}"] = {k: ratio(report["sizes"][str(large)][f"{k}_s"], report["sizes"][str(small)][f"{k}_s"])
                                                     for k in keys}

    if not (args.skip_serve or args.check_only):
        log_dir = args.work / "logs"
        log_dir.mkdir(exist_ok=True)
        report["serve"] = {}
        for n in args.serve_sizes:
            site = ensure_data(args.work, n, args.seed)
            report["serve"][str(n)] = measure_serve(site, args.repeat, args.serve_timeout, log_dir, args.serve_ours_only)

    report["loadavg_end"] = os.getloadavg()
    report["total_s"] = time.perf_counter() - started
    print_report(report)
    print(f"\n(benchmark took {report['total_s']:.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        say(f"raw figures saved to {args.json}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failed as e:
        sys.exit(f"run.py: {e}")
    except KeyboardInterrupt:
        sys.exit(130)
