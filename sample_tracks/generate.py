"""Write the sample manager-days in ``sample_tracks/`` from the seeded generator.

Run from the repository root::

    python sample_tracks/generate.py

Each sample folder gets ``track.csv`` and ``tasks.csv`` (the inputs of ``trajcheck
verify``), ``config.toml`` when the day needs configuration (an exempt home or
warehouse), ``expected.json`` (the verdicts the ground truth implies) and
``truth.csv`` (the true visits).  The same seed always writes the same files.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from trajectory.testing.scenarios import SimulatedDay, generate_day

HERE = Path(__file__).resolve().parent
#: (folder = scenario, seed, what the sample shows). Seed 1 for every sample, not picked.
SAMPLES: tuple[tuple[str, int, str], ...] = (
    ("compliant", 1, "an ordinary district day: every on-site store visited, on time"),
    ("late", 1, "the first on-site store is reached after the 07:30 deadline"),
    ("skipped_store", 1, "one on-site store reported visited but never visited"),
    ("extra_stop", 1, "an unexplained stop of 10+ minutes at a place not on the task list"),
    ("market", 1, "a wholesale-market day: stalls 15-60 m apart under a roof, some out of order"),
    ("gcj02_stores", 1, "the store list in GCJ-02 (Amap) coordinates, the track in WGS-84"),
)
CHECKS = ("on_time_arrival", "trajectory_clear", "visit_count_match")


def main() -> None:
    rows = []
    for name, seed, shows in SAMPLES:
        day = generate_day(name, seed)
        write_sample(HERE / name, day)
        rows.append((name, shows, day))
        print(f"{name}: {len(day.track)} fixes, {len(day.tasks)} tasks, expected {day.expected}")
    (HERE / "README.md").write_text(readme(rows), encoding="utf-8")
    (HERE / "daily.toml").write_text(daily_config(rows), encoding="utf-8")


def daily_config(rows: list[tuple[str, str, SimulatedDay]]) -> str:
    """One configuration for ``trajcheck daily`` over every sample: each day's exempt
    places, kept to its own manager (a home is one manager's)."""
    places = []
    for _, _, day in rows:
        manager = str(day.tasks["manager_id"].iloc[0])
        places += [{**p, "manager_id": manager} for p in day.config.get("exempt_places", [])]
    header = "# Written by sample_tracks/generate.py: every sample's exempt places, per manager.\n"
    return header + to_toml({"exempt_places": places})


def write_sample(folder: Path, day: SimulatedDay) -> None:
    """Write one day's inputs, configuration, expected verdicts and truth to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    day.track.to_csv(folder / "track.csv", index=False)
    tasks = day.tasks
    if day.store_crs != "wgs84":  # the file says its own coordinate system, row by row
        tasks = tasks.assign(crs=day.store_crs)
    tasks.to_csv(folder / "tasks.csv", index=False)
    config = folder / "config.toml"
    if day.config:
        header = f"# Written by sample_tracks/generate.py ({day.scenario}, seed {day.seed}).\n"
        config.write_text(header + to_toml(day.config), encoding="utf-8")
    else:
        config.unlink(missing_ok=True)
    truth = day.visits.copy()
    truth["duration_s"] = (truth["departure_utc"] - truth["arrival_utc"]).dt.total_seconds()
    for col in ("arrival", "departure"):
        utc = truth[f"{col}_utc"]
        truth[f"{col}_local"] = utc.dt.tz_convert("Asia/Shanghai").map(pd.Timestamp.isoformat)
        truth[f"{col}_utc"] = utc.map(pd.Timestamp.isoformat)
    truth.round({"lat": 7, "lon": 7}).to_csv(folder / "truth.csv", index=False)
    stores = day.visits["store_id"].dropna()
    expected = {
        "scenario": day.scenario,
        "seed": day.seed,
        "track_crs": day.track_crs,
        "store_crs": day.store_crs,
        "expected": day.expected,
        "visited_store_ids": list(dict.fromkeys(stores)),
        "unexplained_stops": int((day.visits["kind"] == "unexplained").sum()),
        "notes": day.notes,
    }
    text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    (folder / "expected.json").write_text(text, encoding="utf-8")


def to_toml(config: dict[str, Any]) -> str:
    """TOML for a flat mapping whose values are scalars or lists of flat tables."""
    head, tables = [], []
    for key, value in config.items():
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            for table in value:
                tables.append(
                    f"\n[[{key}]]\n"
                    + "".join(f"{k} = {_toml_value(v)}\n" for k, v in table.items())
                )
        else:
            head.append(f"{key} = {_toml_value(value)}\n")
    return "".join(head) + "".join(tables)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"TOML cannot hold {value!r}")
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    raise TypeError(f"no TOML form for {value!r}")


def readme(rows: list[tuple[str, str, SimulatedDay]]) -> str:
    mark = {True: "pass", False: "**fail**"}
    lines = [
        "# Sample manager-days",
        "",
        "Realistic generated days with known truth, written by `python sample_tracks/generate.py`",
        "(seeded: rerunning writes the same files) from `trajectory/testing/`.  Do not edit by",
        "hand.  Each folder holds `track.csv` and `tasks.csv` (the inputs), `config.toml` when the",
        "day starts at an exempt home or warehouse, `expected.json` (verdicts under the default",
        "configuration: deadline 07:30 Asia/Shanghai, a visit lasts at least 3 minutes) and",
        "`truth.csv` (the true visits: where the manager stood, arrival and departure).",
        "",
        "| sample | shows | on time | clear track | visit count | fixes | config |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, shows, day in rows:
        verdicts = " | ".join(mark[day.expected[c]] for c in CHECKS)
        cfg = "exempt place" if day.config else "-"
        lines.append(f"| `{name}` | {shows} | {verdicts} | {len(day.track)} | {cfg} |")
    lines += [
        "",
        "The tracks are noisy the way phones are: correlated GPS error of 5-15 m outdoors and",
        "15-40 m indoors or under the market roof, single jumps, bursts of cell/Wi-Fi fixes",
        "hundreds of metres off, indoor signal gaps, red lights and traffic queues, cars parked",
        "15-60 m from the door, store coordinates geocoded 5-30 m off, occasional duplicate rows",
        "and missing speeds.  `expected.json` → `notes` gives each day's figures.",
        "",
        "The table gives the truth.  trajcheck answers `inconclusive` where the GPS cannot",
        "decide: on the `market` day two stalls lie closer together than the noise under the",
        "roof, so its clear-track and visit-count checks are inconclusive, not pass.",
        "",
        "Verify one (add `--config sample_tracks/<name>/config.toml` where the folder has one):",
        "",
        "```",
        "trajcheck verify --track sample_tracks/late/track.csv \\",
        "    --tasks sample_tracks/late/tasks.csv",
        "trajcheck verify --track sample_tracks/gcj02_stores/track.csv \\",
        "    --tasks sample_tracks/gcj02_stores/tasks.csv --store-crs gcj02 \\",
        "    --config sample_tracks/gcj02_stores/config.toml",
        "```",
        "",
        "All six in one daily run (`daily.toml` keeps each home to its manager; the",
        "`gcj02_stores` task list says its coordinate system in its `crs` column):",
        "",
        "```",
        "trajcheck daily --date 2026-11-20 --tracks sample_tracks/*/track.csv \\",
        "    --tasks sample_tracks/*/tasks.csv --config sample_tracks/daily.toml",
        "```",
        "",
        "Notes per sample:",
        "",
    ]
    lines += [f"- `{name}`: {day.notes}" for name, _, day in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
