"""Tests of trajectory.timestamps: forms, mixing, clock changes, local dates."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

import trajectory.timestamps_forms as forms
from trajectory.errors import ConfigError
from trajectory.timestamps import (
    TimestampParse,
    local_date,
    local_day_bounds,
    parse_timestamps,
    to_local,
)
from trajectory.timestamps_iso import fixed_iso_utc

#: 2026-11-20 07:12:03 in Shanghai (UTC+8), the instant every form below denotes.
INSTANT = pd.Timestamp("2026-11-19 23:12:03", tz="UTC")
EPOCH_S = 1795129923


def _parse(values: list[object] | pd.Series, timezone: str = "Asia/Shanghai") -> TimestampParse:
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return parse_timestamps(s, timezone=timezone, source="m1.csv", rows=np.arange(1, len(s) + 1))


def _messages(result: TimestampParse) -> list[str]:
    return [str(p) for p in result.problems]


class TestParseTimestamps:
    @pytest.mark.parametrize(
        "value",
        [
            "2026-11-20T07:12:03+08:00",
            "2026-11-20 07:12:03+0800",
            "2026-11-20 07:12:03 +08",
            "2026-11-19T23:12:03Z",
            "2026-11-19 23:12:03Z",
            "2026-11-20T01:12:03+02:00",
            "2026-11-20 07:12:03",
            "2026/11/20 07:12:03",
            "2026/11/20 7:12:03",
            str(EPOCH_S),
            str(EPOCH_S * 1000),
            EPOCH_S,
            float(EPOCH_S),
        ],
    )
    def test_every_form_gives_the_same_utc_instant(self, value: object) -> None:
        result = _parse([value])
        assert result.problems == []
        assert result.utc.iloc[0] == INSTANT

    def test_result_dtype_index_and_mask(self) -> None:
        s = pd.Series(["2026-11-20 07:12:03", "bad"], index=[10, 20])
        result = parse_timestamps(
            s, timezone="Asia/Shanghai", source="m1.csv", rows=np.array([1, 2])
        )
        assert str(result.utc.dtype) == "datetime64[ns, UTC]"
        assert result.utc.index.tolist() == [10, 20]
        assert result.bad.tolist() == [False, True]
        assert pd.isna(result.utc.loc[20])

    def test_different_offsets_are_converted(self) -> None:
        result = _parse(["2026-11-20T07:12:03+08:00", "2026-11-20T00:12:04+01:00"])
        assert result.problems == []
        assert result.utc.tolist() == [INSTANT, INSTANT + pd.Timedelta(seconds=1)]

    def test_fractional_seconds_are_kept(self) -> None:
        later = INSTANT + pd.Timedelta(milliseconds=250)
        assert _parse(["2026-11-20 07:12:03.250"]).utc.iloc[0] == later
        assert _parse(["2026-11-20 07:12:03,25+08:00"]).utc.iloc[0] == later
        assert _parse([f"{EPOCH_S}.25"]).utc.iloc[0] == later

    def test_epoch_milliseconds_column(self) -> None:
        result = _parse(pd.Series([EPOCH_S * 1000, EPOCH_S * 1000 + 1500]))
        assert result.utc.tolist() == [INSTANT, INSTANT + pd.Timedelta(milliseconds=1500)]

    def test_naive_plus_offset_is_an_error_at_the_first_differing_row(self) -> None:
        result = _parse(["2026-11-20 07:12:03", "2026-11-20 07:12:08", "2026-11-20T07:12:13+08:00"])
        assert _messages(result) == [
            "m1.csv, row 3, field timestamp: mixes naive local times and times with a UTC "
            "offset; use one form"
        ]
        assert result.bad.tolist() == [False, False, True]

    def test_majority_form_wins_the_mix(self) -> None:
        result = _parse(
            ["2026-11-20T07:12:03+08:00", "2026-11-20 07:12:08", "2026-11-20T07:12:13+08:00"]
        )
        assert _messages(result) == [
            "m1.csv, row 2, field timestamp: mixes naive local times and times with a UTC "
            "offset; use one form"
        ]

    def test_epoch_mixed_with_iso_is_an_error(self) -> None:
        result = _parse([str(EPOCH_S), str(EPOCH_S + 5), "2026-11-20 07:12:13"])
        assert _messages(result) == [
            "m1.csv, row 3, field timestamp: mixes naive local times and epoch seconds; "
            "use one form"
        ]

    def test_epoch_seconds_mixed_with_milliseconds_is_an_error(self) -> None:
        result = _parse([str(EPOCH_S), str(EPOCH_S + 5), str(EPOCH_S * 1000)])
        assert _messages(result) == [
            "m1.csv, row 3, field timestamp: mixes epoch seconds and epoch milliseconds; "
            "use one form"
        ]

    @pytest.mark.parametrize(
        ("value", "reason"),
        [
            ("yesterday", "not ISO 8601, naive local time or epoch seconds (got 'yesterday')"),
            ("2026-11-20", "not ISO 8601, naive local time or epoch seconds (got '2026-11-20')"),
            ("12", "not ISO 8601, naive local time or epoch seconds (got '12')"),
            ("2026-02-30 07:00:00", "not a valid date and time (got '2026-02-30 07:00:00')"),
            ("2026-11-20 25:00:00", "not a valid date and time (got '2026-11-20 25:00:00')"),
            ("", "missing"),
            (None, "missing"),
        ],
    )
    def test_bad_value_gives_one_problem(self, value: object, reason: str) -> None:
        result = _parse(["2026-11-20 07:12:03", value])
        assert _messages(result) == [f"m1.csv, row 2, field timestamp: {reason}"]
        assert result.bad.tolist() == [False, True]

    def test_numeric_column_with_small_number(self) -> None:
        result = _parse(pd.Series([EPOCH_S, 12]))
        assert _messages(result) == [
            "m1.csv, row 2, field timestamp: not ISO 8601, naive local time or epoch seconds "
            "(got '12')"
        ]

    def test_rows_and_field_are_used_in_messages(self) -> None:
        s = pd.Series(["x"])
        result = parse_timestamps(
            s, timezone="UTC", source="a.csv", rows=np.array([17]), field="time"
        )
        assert _messages(result) == [
            "a.csv, row 17, field time: not ISO 8601, naive local time or epoch seconds (got 'x')"
        ]

    def test_nonexistent_local_time_is_bad(self) -> None:
        result = _parse(["2026-03-29 02:30:00"], timezone="Europe/Berlin")
        assert _messages(result) == [
            "m1.csv, row 1, field timestamp: local time '2026-03-29 02:30:00' does not exist "
            "in Europe/Berlin (clocks moved forward); add a UTC offset"
        ]

    def test_ambiguous_local_time_is_bad(self) -> None:
        result = _parse(["2026-10-25 02:30:00"], timezone="Europe/Berlin")
        assert _messages(result) == [
            "m1.csv, row 1, field timestamp: local time '2026-10-25 02:30:00' is ambiguous "
            "in Europe/Berlin (clocks moved back); add a UTC offset"
        ]

    def test_offset_resolves_a_clock_change(self) -> None:
        result = _parse(["2026-10-25 02:30:00+01:00"], timezone="Europe/Berlin")
        assert result.utc.iloc[0] == pd.Timestamp("2026-10-25 01:30:00", tz="UTC")

    def test_datetime_columns_are_taken_as_they_are(self) -> None:
        aware = pd.Series(pd.to_datetime(["2026-11-20 07:12:03+08:00"]))
        naive = pd.Series(pd.to_datetime(["2026-11-20 07:12:03"]))
        assert _parse(aware).utc.iloc[0] == INSTANT
        assert _parse(naive).utc.iloc[0] == INSTANT

    def test_datetime_column_outside_nanosecond_range(self) -> None:
        s = pd.Series(pd.to_datetime(["2026-11-19 23:12:03", "2500-01-01 00:00:00"], utc=True))
        assert _messages(_parse(s)) == [
            "m1.csv, row 2, field timestamp: outside the years 1678-2261 "
            "(got '2500-01-01 00:00:00+00:00')"
        ]
        assert _parse(s.dt.tz_localize(None)).bad.tolist() == [False, True]

    def test_empty_column(self) -> None:
        result = _parse(pd.Series([], dtype=object))
        assert len(result.utc) == 0
        assert result.problems == []

    def test_input_is_not_modified(self) -> None:
        s = pd.Series(["2026-11-20 07:12:03", " bad "])
        before = s.copy()
        _parse(s)
        pd.testing.assert_series_equal(s, before)

    def test_unknown_timezone(self) -> None:
        with pytest.raises(ConfigError, match="unknown IANA time zone 'Mars/Base'"):
            _parse(["2026-11-20 07:12:03"], timezone="Mars/Base")


class TestToLocal:
    def test_converts_to_wall_clock(self) -> None:
        local = to_local(pd.Series([INSTANT]), "Asia/Shanghai")
        assert local.iloc[0] == INSTANT
        assert str(local.iloc[0]) == "2026-11-20 07:12:03+08:00"


class TestLocalDate:
    def test_date_in_the_working_zone(self) -> None:
        s = pd.Series([INSTANT, pd.Timestamp("2026-11-20 16:30:00", tz="UTC")])
        assert local_date(s, "Asia/Shanghai").tolist() == [
            dt.date(2026, 11, 20),
            dt.date(2026, 11, 21),
        ]
        assert local_date(s, "UTC").tolist() == [dt.date(2026, 11, 19), dt.date(2026, 11, 20)]


class TestLocalDayBounds:
    def test_shanghai(self) -> None:
        start, end = local_day_bounds(dt.date(2026, 11, 20), "Asia/Shanghai")
        assert start == pd.Timestamp("2026-11-19 16:00", tz="UTC")
        assert end == pd.Timestamp("2026-11-20 16:00", tz="UTC")
        assert str(start.tz) == str(end.tz) == "UTC"

    @pytest.mark.parametrize(
        ("day", "hours"),
        [(dt.date(2026, 3, 8), 23), (dt.date(2026, 11, 1), 25), (dt.date(2026, 6, 1), 24)],
    )
    def test_dst_days_last_23_or_25_hours(self, day: dt.date, hours: int) -> None:
        start, end = local_day_bounds(day, "America/New_York")
        assert end - start == pd.Timedelta(hours=hours)
        assert start.tz_convert("America/New_York").hour == 0

    def test_a_skipped_midnight_starts_the_day_at_the_transition(self) -> None:
        # Chile moves its clocks from 00:00 to 01:00 on 2026-09-06: midnight never happens
        start, end = local_day_bounds(dt.date(2026, 9, 6), "America/Santiago")
        assert start == pd.Timestamp("2026-09-06 04:00", tz="UTC")
        assert str(start.tz_convert("America/Santiago")) == "2026-09-06 01:00:00-03:00"
        assert end - start == pd.Timedelta(hours=23)

    def test_days_tile_the_time_line(self) -> None:
        days = [dt.date(2026, 3, 7) + dt.timedelta(days=i) for i in range(3)]
        bounds = [local_day_bounds(d, "Europe/Berlin") for d in days]
        assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))

    def test_unknown_zone(self) -> None:
        with pytest.raises(ConfigError, match="Mars/Olympus"):
            local_day_bounds(dt.date(2026, 11, 20), "Mars/Olympus")


@pytest.mark.parametrize(
    "values",
    [
        ["2026-11-20T07:12:03+08:00", "2026-11-20T07:12:04-05:30", "2026-02-28T23:59:59+14:00"],
        ["2026-11-20T07:12:03Z", "2024-02-29T00:00:00Z"],
        ["2026-02-29T07:12:03+08:00"],  # no such day: pandas decides
        ["2026-11-20T24:00:00+08:00", "2026-11-20T07:12:03+08:00"],
        ["2026-11-20 07:12:03+08:00", "2026-11-20T07:12:03+08:00"],
        ["2026-11-20T07:12:03.5+08:00", "2026-11-20T07:12:03+08:00"],
        ["2026-11-20T07:12:60+08:00"],
        ["2026-11-20T07:12:03+0800", "2026-11-20T07:12:03+08:00"],
        ["2026-13-20T07:12:03+08:00"],
        ["2026-11-2OT07:12:03+08:00"],
    ],
)
def test_fixed_width_iso_reads_as_pandas_does(values: list[str]) -> None:
    """The byte-matrix reader of the commonest form gives pandas' instants, or defers."""
    text = pd.Series(values, dtype="str", name="timestamp", index=pd.RangeIndex(5, 5 + len(values)))
    fixed = fixed_iso_utc(text)
    if fixed is None:
        return
    parsed = pd.to_datetime(text, format="ISO8601", utc=True).dt.as_unit("ns")
    pd.testing.assert_series_equal(fixed, parsed)
    result = forms.all_iso_with_offset(text)
    assert result is not None and result.equals(parsed)


def test_fixed_width_iso_reads_the_common_forms() -> None:
    text = pd.Series(["2026-11-20T07:12:03+08:00", "2026-11-20T07:12:04-05:30"], dtype="str")
    assert fixed_iso_utc(text) is not None
    assert fixed_iso_utc(pd.Series(["2026-11-20T07:12:03Z"], dtype="str")) is not None
