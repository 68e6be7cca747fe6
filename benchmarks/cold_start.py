"""Cold start: what the first ``trajcheck verify`` after an install costs (issue 18).

Every step runs ``python -m api.cli ...`` (the ``trajcheck`` command) in a fresh
subprocess.  Each scenario gets its own empty ``NUMBA_CACHE_DIR``, so nothing compiled
by an earlier run (or beside the modules) is reused:

- **warmup**: ``trajcheck warmup``, the install-time compile ``make setup`` runs;
- **first verify after warmup**: what a ``make setup`` user pays on day one;
- **second verify**: warm, for comparison;
- **first verify, empty cache**: no warmup, what a plain ``pip install`` user pays
  (the kernels compile during this verify, once, into numba's cache);
- **CLI start**: ``trajcheck --version`` (imports the command line, not the core).

The day verified is ``sample_tracks/late`` with ``--json -``.  Wall time is
``time.perf_counter``; CPU time (user + system, from ``resource.getrusage
(RUSAGE_CHILDREN)``) is the figure to trust on a shared machine, because other
processes' load stretches wall time but not CPU time.  Each step is repeated
``--repeat`` times (each repeat with new empty caches) and the median is reported.

Usage::

    python benchmarks/cold_start.py                 # writes benchmarks/results/cold_start.md
    python benchmarks/cold_start.py --repeat 1 --out -   # prints only
    python benchmarks/cold_start.py --against 5af2480   # and an older commit, alternately
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks._revision, when run as a script

from benchmarks._revision import export_revision  # noqa: E402

#: run from the measured tree's root
VERIFY = (
    "verify",
    "--track",
    "sample_tracks/late/track.csv",
    "--tasks",
    "sample_tracks/late/tasks.csv",
    "--json",
    "-",
)


@dataclass(frozen=True)
class Timing:
    wall_s: float
    cpu_s: float


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args: tuple[str, ...], cache: Path, root: Path) -> Timing:
    """``python -m api.cli *args`` with its own numba cache; its wall and CPU time."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(root))
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return Timing(time.perf_counter() - wall0, _children_cpu() - cpu0)


def one_round(root: Path) -> dict[str, Timing]:
    """Every step once, each scenario with new empty caches."""
    out: dict[str, Timing] = {}
    with tempfile.TemporaryDirectory(prefix="numba-cold-") as tmp:
        installed, plain = Path(tmp) / "installed", Path(tmp) / "plain"
        out["cli"] = run(("--version",), installed, root)
        out["warmup"] = run(("warmup",), installed, root)
        out["after_warmup"] = run(VERIFY, installed, root)
        out["warm"] = run(VERIFY, installed, root)
        out["cold"] = run(VERIFY, plain, root)
    return out


STEPS: tuple[tuple[str, str], ...] = (
    ("warmup", "`trajcheck warmup` (install-time compile, `make setup`)"),
    ("after_warmup", "first `verify` after warmup"),
    ("warm", "second `verify` (warm)"),
    ("cold", "first `verify`, empty cache (no warmup: plain `pip install`)"),
    ("cli", "`trajcheck --version` (CLI start)"),
)


def _median(rounds: list[dict[str, Timing]], key: str) -> Timing:
    return Timing(
        statistics.median(r[key].wall_s for r in rounds),
        statistics.median(r[key].cpu_s for r in rounds),
    )


def report(trees: dict[str, list[dict[str, Timing]]], note: str) -> str:
    """The table: per step, CPU and wall seconds of each tree (median of its rounds)."""
    n = min(len(r) for r in trees.values())
    head = " | ".join(f"{name} CPU s | {name} wall s" for name in trees)
    lines = [
        "# Cold start (issue 18)",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"median of {n} round(s) per tree (trees alternating), each round with new empty "
        "`NUMBA_CACHE_DIR`s. Day: `sample_tracks/late`, `--json -`. Produced by "
        f"`benchmarks/cold_start.py`. {note}".rstrip(),
        "",
        f"| step | {head} |",
        "|---|" + "---:|---:|" * len(trees),
    ]
    for key, label in STEPS:
        cells = " | ".join(
            f"{m.cpu_s:.2f} | {m.wall_s:.2f}" for m in (_median(r, key) for r in trees.values())
        )
        lines.append(f"| {label} | {cells} |")
    lines += [
        "",
        "CPU = user + system of the subprocess (`getrusage(RUSAGE_CHILDREN)`); wall time "
        "stretches when other processes share the cores, CPU time much less.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds per tree (default 3)")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the source tree to measure (default: this one)"
    )
    parser.add_argument(
        "--against",
        help="git revision measured too (exported with git archive), in alternate rounds",
    )
    parser.add_argument("--note", default="", help="a sentence added to the table's header")
    parser.add_argument(
        "--out",
        default=str(ROOT / "benchmarks" / "results" / "cold_start.md"),
        help="where to write the table ('-': print only)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cold-start-against-") as tmp:
        roots = {"this tree": args.root.resolve()}
        if args.against is not None:
            export_revision(args.against, Path(tmp))
            roots = {f"before ({args.against})": Path(tmp), "after": args.root.resolve()}
        trees: dict[str, list[dict[str, Timing]]] = {name: [] for name in roots}
        for i in range(args.repeat):
            for name, root in roots.items():
                trees[name].append(one_round(root))
                print(f"round {i + 1}/{args.repeat}, {name}: {trees[name][-1]}", file=sys.stderr)
    text = report(trees, args.note)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
