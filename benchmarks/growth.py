"""How the cost of `pjournal render -o` and `pjournal check` grows with each dimension of a journal.

    python benchmarks/growth.py [--base 100] [--factors 1,4,16] [--dimensions sessions,partners,...]
                                [--repeat 1] [--work DIR] [--json OUT]
    python benchmarks/growth.py --long-partnership 1000,2000,4000,8000

Run it with the project's virtualenv Python (as run.py). Each dimension is grown on its own, the
others held at the benchmark journal's (benchmarks/synth.py, `synth.Shape`):

    sessions      BASE x F sessions
    partners      20 x F partners, 2 x F to 4 x F of them in each of BASE sessions
    contributions 3 x F to 6 x F contributions in each of BASE sessions
    lessons       1 x F to 3 x F lessons in each of BASE sessions
    tags          12 x F tags to draw from, in 2 x BASE sessions (so that most of them are used)
    partnership   4 human and AI pairs of BASE x F / 4 sessions each, in turn (two case studies)

Every command runs in its own process (run.run_once). The tables give CPU seconds (user + system:
on a machine others use too, the wall time says more about them) and the pages written, then
the growth from the smallest journal to the largest: of the whole, above the floor (the same
command on a journal of one session: what starting Python and the tool costs), and above the
floor over the last step alone (4x), where the fixed costs weigh least. Linear growth makes the
ratios above the floor about the input's growth (16x, 4x), constant growth about 1.
--long-partnership times one human and one AI over the given numbers of sessions instead.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/
sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402
import synth  # noqa: E402

#: Each dimension: the number of sessions and the journal's shape, at a base of `base` sessions grown `f` times.
DIMENSIONS: dict[str, Callable[[int, int], tuple[int, synth.Shape]]] = {
    "sessions": lambda base, f: (base * f, synth.Shape()),
    "partners": lambda base, f: (base, synth.Shape(humans=13 * f, ais=7 * f, per_session=(2 * f, 4 * f))),
    "contributions": lambda base, f: (base, synth.Shape(contributions=(3 * f, 6 * f))),
    "lessons": lambda base, f: (base, synth.Shape(lessons=(f, 3 * f))),
    "tags": lambda base, f: (2 * base, synth.Shape(tags=12 * f)),
    "partnership": lambda base, f: (base * f, synth.Shape(humans=2, ais=2, per_session=(2, 2), case_studies=2,
                                                          partnership=max(1, base * f // 4))),
}
#: The long partnership of one human and one AI, as `pjournal import` drafts a year of daily sessions.
LONG = synth.Shape(humans=1, ais=1, per_session=(2, 2), case_studies=0, anonymous=False)


def journal(work: Path, name: str, n: int, shape: synth.Shape, seed: int) -> Path:
    """WORK/NAME/journal, generated unless it is there already from the same shape and seed."""
    out = work / name
    stamp = f"format={synth.FORMAT} seed={seed} n={n} {shape}"
    marker = out / ".synth-done"
    if not (marker.is_file() and marker.read_text() == stamp):
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        synth.write_journal(out / "journal", n, synth.Words(random.Random(seed)), shape)
        marker.write_text(stamp)
        run.say(f"[{name}] generated {n} sessions in {time.perf_counter() - started:.1f} s")
    return out / "journal"


def cost(root: Path, repeat: int, timeout: float) -> dict[str, Any]:
    """The median wall and CPU seconds of `pjournal render -o` and `pjournal check` on a journal,
    and the number of pages the render wrote."""
    pjournal = run.tool("pjournal")
    found: dict[str, dict[str, list[float]]] = {"render": {"wall": [], "cpu": []}, "check": {"wall": [], "cpu": []}}
    pages = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="pj-growth-") as out:
            for command, args in (("render", ["render", str(root), "-o", str(Path(out) / "pages")]), ("check", ["check", str(root)])):
                wall, _, cpu = run.run_once([pjournal, *args], root.parent, timeout)
                found[command]["wall"].append(wall)
                found[command]["cpu"].append(cpu)
            pages = sum(1 for _ in (Path(out) / "pages").rglob("*.md"))
    return {"pages": pages, **{command: {k: statistics.median(v) for k, v in figures.items()} for command, figures in found.items()}}


def size(root: Path) -> dict[str, int]:
    """What a journal holds, counted from its YAML: records and bytes."""
    files = list(root.rglob("*.yaml"))
    return {"records": len(files), "bytes": sum(f.stat().st_size for f in files)}


#: Below this many CPU seconds above the floor, a time is too close to it to divide by.
NOISE = 0.25


def above(a: float, b: float, floor: float) -> float | None:
    """The ratio of b to a above the floor, when a is far enough above it to say."""
    return run.ratio(b - floor, a - floor) if a - floor >= NOISE else None


def print_report(report: dict[str, Any]) -> None:
    """The figures of each journal, then each dimension's growth."""
    floor = report["floor"]
    headers = ["dimension", "factor", "records", "KB", "pages", "render CPU s", "check CPU s", "render wall s"]
    table = []
    for name, rows in report["dimensions"].items():
        for row in rows:
            table.append([name, f"{row['factor']}x", str(row["records"]), f"{row['bytes'] // 1024:,}", f"{row['pages']:,}",
                          run.fmt(row["render"]["cpu"]), run.fmt(row["check"]["cpu"]), run.fmt(row["render"]["wall"])])
    print(run.table(headers, table))
    print(f"\nfloor (a journal of one session): render {floor['render']['cpu']:.2f} CPU s, check {floor['check']['cpu']:.2f} CPU s")
    headers = ["dimension", "input", "render", "above floor", "last step", "check", "above floor", "last step"]
    table = []
    for name, rows in report["dimensions"].items():
        first, before, last = rows[0], rows[-2], rows[-1]
        cells = [name, f"{last['factor'] / first['factor']:g}x"]
        for command in ("render", "check"):
            at = floor[command]["cpu"]
            cells += [run.fmt(run.ratio(last[command]["cpu"], first[command]["cpu"]), 1, "x"),
                      run.fmt(above(first[command]["cpu"], last[command]["cpu"], at), 1, "x"),
                      run.fmt(above(before[command]["cpu"], last[command]["cpu"], at), 1, "x")]
        table.append(cells)
    last_step = rows[-1]["factor"] / rows[-2]["factor"]
    print("\nGrowth of CPU time from the smallest journal to the largest, whole and above the floor, and above the floor")
    print(f"over the last step alone (input grown {last_step:g}x); linear growth is about the input's, '-' too near the floor\n")
    print(run.table(headers, table))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=int, default=100, help="sessions of the smallest journal (default 100)")
    parser.add_argument("--factors", type=run.sizes_arg, default=[1, 4, 16], help="growth factors (default 1,4,16)")
    parser.add_argument("--dimensions", default=",".join(DIMENSIONS), help=f"which to grow (default {','.join(DIMENSIONS)})")
    parser.add_argument("--long-partnership", type=run.sizes_arg, metavar="N,N,...",
                        help="instead, one human and one AI over these numbers of sessions")
    parser.add_argument("--repeat", type=int, default=1, help="runs per command; the median is reported (default 1)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pj-growth", help="cache of generated journals")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800, help="limit for one command, seconds (default 1800)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also save the figures as JSON")
    args = parser.parse_args(argv)
    dimensions = args.dimensions.split(",")
    if unknown := [d for d in dimensions if d not in DIMENSIONS]:
        parser.error(f"unknown dimension(s) {', '.join(unknown)}; known: {', '.join(DIMENSIONS)}")
    if len(args.long_partnership or args.factors) < 2:
        parser.error("growth needs two sizes at least")
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    floor = cost(journal(args.work, "floor", 1, synth.Shape(), args.seed), args.repeat, args.timeout)
    if args.long_partnership:
        plan = {"long partnership": [(n // args.long_partnership[0], n, LONG) for n in args.long_partnership]}
    else:
        plan = {d: [(f, *DIMENSIONS[d](args.base, f)) for f in args.factors] for d in dimensions}
    report: dict[str, Any] = {"machine": run.machine(), "base": args.base, "repeat": args.repeat, "floor": floor, "dimensions": {}}
    for name, steps in plan.items():
        report["dimensions"][name] = rows = []
        for f, n, shape in steps:
            root = journal(args.work, f"{name.replace(' ', '-')}-{n}-{f}", n, shape, args.seed)
            measured = cost(root, args.repeat, args.timeout)
            rows.append({"factor": f, "sessions": n, **size(root), **measured})
            run.say(f"[{name} x{f}] render {measured['render']['cpu']:.2f} CPU s, check {measured['check']['cpu']:.2f} CPU s")

    print_report(report)
    report["total_s"] = time.perf_counter() - started
    print(f"\n(benchmark took {report['total_s']:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except run.Failed as e:
        sys.exit(f"growth.py: {e}")
    except KeyboardInterrupt:
        sys.exit(130)
