"""Paths of the bundled samples and the names of the checks."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The golden sample days (one folder per day: track.csv, tasks.csv, expected.json).
SAMPLES = ROOT / "sample_tracks"
SAMPLE_DAYS = sorted(p.name for p in SAMPLES.iterdir() if (p / "track.csv").is_file())
#: The assessment's sample city (one CSV per kind, ``marketing/`` below it).
SAMPLE = ROOT / "sample_data"
CHECKS = ("on_time_arrival", "trajectory_clear", "visit_count_match")
