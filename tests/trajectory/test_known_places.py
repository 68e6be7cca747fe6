"""Unexplained stays named after the nearest known store or buyer (issue 17, item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.tracks import ORIGIN, TrackBuilder, at, tasks_frame
from trajectory.config import ExemptPlace, VerifyConfig
from trajectory.crs import convert
from trajectory.errors import InputError
from trajectory.geodesy import haversine_m
from trajectory.known_places import KnownPlaces, name_stays, read_known_places
from trajectory.pipeline import verify_day
from trajectory.result import DayResult, StayPoint

OFF_LIST = (2000.0, 0.0)  # a stay at no task store, 12 m from buyer B123
NOWHERE = (5000.0, 3000.0)  # a stay with no known place within 100 m


def _track() -> pd.DataFrame:
    b = TrackBuilder(seed=3)
    b.stay(0, 0, 1200).move(*OFF_LIST).stay(*OFF_LIST, 2280).move(*NOWHERE)
    return b.stay(*NOWHERE, 1800).frame()


def _master(n: int, seed: int = 7) -> pd.DataFrame:
    """``n`` generated stores over about 20 x 20 km, none within 150 m of either stay,
    plus buyer B123 12 m north of the off-list stay."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = ORIGIN
    lat = lat0 + rng.uniform(-0.09, 0.09, n)
    lon = lon0 + rng.uniform(-0.1, 0.1, n)
    far = np.ones(n, dtype=bool)
    for x, y in (OFF_LIST, NOWHERE):
        far &= haversine_m(lat, lon, *at(x, y)) > 150
    stores = pd.DataFrame(
        {
            "id": [f"S{i:06d}" for i in range(n)],
            "name": [f"store {i}" for i in range(n)],
            "lat": lat,
            "lon": lon,
        }
    ).loc[far]
    b_lat, b_lon = at(OFF_LIST[0], OFF_LIST[1] + 12)
    buyer = pd.DataFrame(
        {"id": ["B123"], "name": ["Laochen Seafood"], "lat": [b_lat], "lon": [b_lon]}
    )
    return pd.concat([stores.assign(kind="store"), buyer.assign(kind="buyer")], ignore_index=True)


@pytest.fixture(scope="module")
def master() -> pd.DataFrame:
    return _master(100_000)


@pytest.fixture(scope="module")
def places(master: pd.DataFrame) -> KnownPlaces:
    return KnownPlaces.from_frame(master)


def _verify(places: KnownPlaces | None, cfg: VerifyConfig | None = None) -> DayResult:
    tasks = tasks_frame([("T1", 0.0, 0.0)])
    return verify_day(_track(), tasks, cfg, known_places=places)


def _stay_near(result: DayResult, xy: tuple[float, float]) -> StayPoint:
    lat, lon = at(*xy)
    return min(result.stay_points, key=lambda s: float(haversine_m(s.lat, s.lon, lat, lon)))


class TestVerifyDay:
    def test_an_off_list_stay_is_named_from_a_100k_store_master(self, places: KnownPlaces) -> None:
        assert len(places) > 99_000
        result = _verify(places)
        stay = _stay_near(result, OFF_LIST)
        assert stay.store_id is None
        named = stay.nearest_known
        assert named is not None
        assert (named.id, named.name, named.kind) == ("B123", "Laochen Seafood", "buyer")
        assert 0 <= named.distance_m < 40
        body = result.to_dict()
        entry = body["stay_points"][stay.id - 1]
        assert entry["nearest_known"]["id"] == "B123"

    def test_no_match_within_the_radius_is_null(self, places: KnownPlaces) -> None:
        result = _verify(places)
        assert _stay_near(result, NOWHERE).nearest_known is None
        at_task = _stay_near(result, (0.0, 0.0))
        assert at_task.store_id == "T1"
        assert at_task.nearest_known is None

    def test_the_radius_is_configurable(self, places: KnownPlaces) -> None:
        result = _verify(places, VerifyConfig(known_radius_m=5.0))
        assert all(s.nearest_known is None for s in result.stay_points)

    def test_without_known_places_nothing_is_named(self) -> None:
        body = _verify(None).to_dict()
        assert all(s["nearest_known"] is None for s in body["stay_points"])

    def test_an_exempt_stay_is_not_named(self, places: KnownPlaces) -> None:
        lat, lon = at(*OFF_LIST)
        cfg = VerifyConfig(exempt_places=(ExemptPlace("warehouse", lat, lon),))
        stay = _stay_near(_verify(places, cfg), OFF_LIST)
        assert stay.exempt == "warehouse"
        assert stay.nearest_known is None

    def test_round_trip(self, places: KnownPlaces) -> None:
        body = _verify(places).to_dict()
        back = DayResult.from_dict(body)
        assert back.to_dict() == body
        assert any(s.nearest_known is not None for s in back.stay_points)

    def test_a_result_without_the_key_reads(self, places: KnownPlaces) -> None:
        body = _verify(places).to_dict()
        for s in body["stay_points"]:
            del s["nearest_known"]
        assert all(s.nearest_known is None for s in DayResult.from_dict(body).stay_points)

    def test_a_bad_stored_value_names_the_field(self, places: KnownPlaces) -> None:
        body = _verify(places).to_dict()
        i = next(i for i, s in enumerate(body["stay_points"]) if s["nearest_known"])
        body["stay_points"][i]["nearest_known"]["id"] = 5
        with pytest.raises(InputError, match=rf"stay_points\[{i}\]\.nearest_known\.id"):
            DayResult.from_dict(body)


class TestCrs:
    def _shifted(self, master: pd.DataFrame, crs: str) -> pd.DataFrame:
        lat, lon = convert(master["lat"].to_numpy(), master["lon"].to_numpy(), "wgs84", crs)
        return master.assign(lat=lat, lon=lon)

    @pytest.mark.parametrize("crs", ["gcj02", "bd09"])
    def test_the_masters_crs_is_honoured(self, crs: str) -> None:
        master = self._shifted(_master(2_000), crs)
        named = _stay_near(_verify(KnownPlaces.from_frame(master, crs=crs)), OFF_LIST)
        assert named.nearest_known is not None
        assert named.nearest_known.id == "B123"
        as_wgs84 = _stay_near(_verify(KnownPlaces.from_frame(master)), OFF_LIST)
        assert as_wgs84.nearest_known is None  # 500 m off

    def test_a_rows_crs_wins_over_the_files(self) -> None:
        master = self._shifted(_master(2_000), "gcj02").assign(crs="GCJ-02")
        places = KnownPlaces.from_frame(master, crs="bd09")
        b123 = places.frame.loc[places.frame["id"] == "B123"].iloc[0]
        want = at(OFF_LIST[0], OFF_LIST[1] + 12)
        assert float(haversine_m(b123["lat"], b123["lon"], *want)) < 0.01


class TestBadRows:
    def _raw(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "store_id": ["A", "", "C", "A", "E"],
                "store_name": ["a", "b", "c", "a again", "e"],
                "latitude": ["31.2", "31.2", "95", "31.2", "31.2"],
                "lng": ["121.4", "121.4", "121.4", "121.4", "121.4"],
                "crs": ["", "", "", "", "mars"],
            }
        )

    def test_the_first_bad_row_is_named(self) -> None:
        with pytest.raises(InputError) as err:
            KnownPlaces.from_frame(self._raw(), source="master.csv")
        assert (err.value.source, err.value.row, err.value.field) == ("master.csv", 2, "id")

    def test_skip_lists_every_bad_row(self) -> None:
        places = KnownPlaces.from_frame(self._raw(), source="m.csv", on_bad_row="skip")
        assert places.frame["id"].tolist() == ["A"]
        got = [(p.row, p.field) for p in places.rejected]
        assert got == [(2, "id"), (3, "lat"), (4, "id"), (5, "crs")]
        assert "duplicate of row 1" in places.rejected[2].reason

    def test_a_missing_column(self) -> None:
        with pytest.raises(InputError, match="field lon: missing required column"):
            KnownPlaces.from_frame(pd.DataFrame({"id": ["a"], "lat": [31.0]}))

    def test_an_unknown_file_crs(self) -> None:
        with pytest.raises(InputError, match="unknown coordinate system"):
            KnownPlaces.from_frame(self._raw(), crs="mars")


class TestFiles:
    def test_csv_with_the_task_lists_column_names(self, tmp_path: Path) -> None:
        path = tmp_path / "master.csv"
        path.write_text(
            "store_id,store_name,lat,lon,kind\nS1,老陈海鲜,31.2,121.4,buyer\nS2,b,31.3,121.5,\n",
            encoding="utf-8",
        )
        places = read_known_places(path)
        assert places.frame[["id", "name", "kind"]].values.tolist() == [
            ["S1", "老陈海鲜", "buyer"],
            ["S2", "b", "store"],
        ]

    def test_a_bad_csv_row_names_file_row_and_field(self, tmp_path: Path) -> None:
        path = tmp_path / "master.csv"
        path.write_text("id,name,lat,lon\nS1,a,31.2,121.4\nS2,b,x,121.5\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"master\.csv, row 2, field lat: not a number"):
            read_known_places(path)
        assert len(read_known_places(path, on_bad_row="skip")) == 1

    def test_json(self, tmp_path: Path) -> None:
        path = tmp_path / "master.json"
        rows = [{"id": "S1", "name": "a", "lat": 31.2, "lon": 121.4}, 5]
        path.write_text(json.dumps({"stores": rows}), encoding="utf-8")
        with pytest.raises(InputError, match="row 2"):
            read_known_places(path)
        assert len(read_known_places(path, on_bad_row="skip")) == 1

    @pytest.mark.parametrize(
        ("name", "reason"), [("none.csv", "no such file"), ("m.xlsx", "unsupported file type")]
    )
    def test_unreadable_files(self, tmp_path: Path, name: str, reason: str) -> None:
        (tmp_path / "m.xlsx").write_bytes(b"x")
        with pytest.raises(InputError, match=reason):
            read_known_places(tmp_path / name)


class TestNearest:
    def test_the_radius_bounds_the_match_and_nan_is_no_match(self) -> None:
        places = KnownPlaces.from_frame(pd.DataFrame({"id": ["a"], "lat": [31.0], "lon": [121.0]}))
        lat = 31.0 + np.degrees(99.99 / 6_371_008.8)
        idx, dist = places.nearest([lat, np.nan], [121.0, 121.0], 100.0)
        assert idx.tolist() == [0, -1]
        assert dist[0] == pytest.approx(99.99)
        assert np.isnan(dist[1])
        assert places.nearest([lat], [121.0], 99.98)[0].tolist() == [-1]

    def test_an_empty_index_names_nothing(self) -> None:
        empty = KnownPlaces.from_frame(pd.DataFrame({"id": [], "lat": [], "lon": []}))
        assert len(empty) == 0
        assert empty.nearest([31.0], [121.0], 100.0)[0].tolist() == [-1]
        assert name_stays((), empty, 100.0) == ()

    def test_it_pickles(self, places: KnownPlaces) -> None:
        import pickle

        back = pickle.loads(pickle.dumps(places))
        assert (
            back.nearest([31.0], [121.0], 1e6)[0].tolist()
            == places.nearest([31.0], [121.0], 1e6)[0].tolist()
        )
