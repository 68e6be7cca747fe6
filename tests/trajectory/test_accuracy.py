"""Accuracy regression on generated days with ground truth (seeds 0-2; the benchmark uses 1000+).

These are correctness floors, not speed: if a change makes the detector split,
miss or invent visits, or flips verdicts, these fail.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from trajectory.testing.evaluation import (
    score_intervals,
    score_verdicts,
    summarise,
    verify_generated,
)
from trajectory.testing.scenarios import SCENARIOS, generate_day

MARKETS = ("market", "market_skip")
SEEDS = range(3)


def _epoch(values: pd.Series) -> list[float]:
    return list(pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns").asi8 / 1e9)


@pytest.fixture(scope="module")
def runs() -> dict[str, list[tuple[object, dict[str, str]]]]:
    out: dict[str, list[tuple[object, dict[str, str]]]] = {}
    for scenario in SCENARIOS:
        for seed in SEEDS:
            d = generate_day(scenario, seed)
            r = verify_generated(d)
            score = score_intervals(
                _epoch(d.visits["arrival_utc"]),
                _epoch(d.visits["departure_utc"]),
                _epoch(pd.Series([s.arrival for s in r.stay_points], dtype="datetime64[ns, UTC]")),
                _epoch(
                    pd.Series([s.departure for s in r.stay_points], dtype="datetime64[ns, UTC]")
                ),
            )
            out.setdefault(scenario, []).append((score, score_verdicts(r.to_dict(), d.expected)))
    return out


class TestAccuracy:
    def test_ordinary_days_stay_f1_and_exact_counts(self, runs: dict[str, list]) -> None:  # type: ignore[type-arg]
        scores = [s for name, rs in runs.items() if name not in MARKETS for s, _ in rs]
        summary = summarise(scores)
        assert summary["f1"] >= 0.98
        assert summary["exact_days"] >= 0.9
        assert summary["arrival_p50_s"] <= 60

    def test_ordinary_days_verdicts(self, runs: dict[str, list]) -> None:  # type: ignore[type-arg]
        outcomes = Counter(
            o for name, rs in runs.items() if name not in MARKETS for _, v in rs for o in v.values()
        )
        total = sum(outcomes.values())
        assert outcomes["wrong"] / total <= 0.03
        assert outcomes["right"] / total >= 0.95

    @pytest.mark.parametrize(
        "scenario",
        [
            "compliant",
            "late",
            "skipped_store",
            "extra_stop",
            "revisit",
            "messy_rows",
            "phone_chat_tasks",
            "gcj02_stores",
            "track_gcj02",
            "indoor_gaps",
        ],
    )
    def test_scenario_verdicts_all_right(self, runs: dict[str, list], scenario: str) -> None:  # type: ignore[type-arg]
        for _, verdicts in runs[scenario]:
            assert set(verdicts.values()) == {"right"}, verdicts

    def test_markets_are_found_and_rarely_wrong(self, runs: dict[str, list]) -> None:  # type: ignore[type-arg]
        scores = [s for name in MARKETS for s, _ in runs[name]]
        assert summarise(scores)["f1"] >= 0.8
        outcomes = Counter(o for name in MARKETS for _, v in runs[name] for o in v.values())
        assert outcomes["wrong"] / sum(outcomes.values()) <= 0.1
