"""DayResult serialisation: times in the configured zone, vectorised and scalar agree."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from trajectory.result import iso, iso_many


class TestIsoMany:
    @pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata"])
    def test_matches_scalar_iso_across_dst(self, zone: str) -> None:
        times = pd.DatetimeIndex(
            pd.date_range("2026-03-08 05:00", periods=48, freq="37min", tz="UTC")
        ).append(pd.DatetimeIndex([pd.Timestamp("2026-11-01 05:59:59.7", tz="UTC")]))
        tz = ZoneInfo(zone)
        assert iso_many(times, tz) == [iso(t, tz) for t in times]

    def test_empty(self) -> None:
        assert iso_many(pd.DatetimeIndex([], tz="UTC"), ZoneInfo("UTC")) == []
