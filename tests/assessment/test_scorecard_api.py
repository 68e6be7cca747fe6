"""Issue 7 in the service: marketing tables, imports, scorecards from the database, endpoints.

``city`` is a SQLite database filled the way an operator would: ``trajcheck assess
import`` of part 1's and the marketing sample files (one command), and the sample's
verification results stored as ``trajcheck daily`` stores them.  The scorecards and the
5-day assessment from it must equal those of the folder mode, on the CLI and the API.
Imports (idempotent upserts, problems naming file/row/field, atomic) run on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api import repo
from api.assess_repo import BatchRejectedError
from api.cli import main as cli_main
from api.db import make_engine
from api.marketing_repo import import_marketing, load_marketing
from assessment.marketing_config import load_marketing_config
from assessment.marketing_data import (
    MARKETING_KINDS,
    marketing_raw_from_csv,
    marketing_raw_from_records,
    read_marketing,
)
from tests.assessment.conftest import SAMPLE, import_sample
from tests.assessment.test_api import Keys, client_for, make_keys
from tests.assessment.test_api import writable as writable  # a fixture
from trajectory.daily import read_result

MK = SAMPLE / "marketing"
DAY, START = "2026-11-18", "2026-11-16"


def _store_results(engine: Engine) -> None:
    with repo.writing(engine) as conn:
        for path in sorted((MK / "results").glob("*/days/*.json")):
            body = read_result(path)
            assert body is not None
            pks = repo.ensure_managers(conn, [body["manager_id"]])
            repo.save_result(
                conn, pks[body["manager_id"]], dt.date.fromisoformat(body["date"]), body
            )


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """(URL, engine) of a SQLite database holding the sample city, marketing and results."""
    url = f"sqlite:///{tmp_path_factory.mktemp('city') / 'city.db'}"
    files = [*sorted(MK.glob("*.csv")), *sorted(SAMPLE.glob("*.csv"))]  # any order
    assert cli_main(["assess", "import", *map(str, files), "--database-url", url]) == 0
    engine = make_engine(url)
    _store_results(engine)
    yield url, engine
    engine.dispose()


def _cli(tmp: Path, *args: str) -> None:
    assert cli_main(["assess", *args, "--out", str(tmp), "--lang", "zh"]) == 0


FOLDERS = ("--data", str(SAMPLE), "--marketing", str(MK), "--results", str(MK / "results"))


class TestStore:
    def test_round_trip_equals_the_files(self, city: tuple[str, Engine]) -> None:
        files, _ = read_marketing(MK)
        cfg = load_marketing_config(None, timezone="Asia/Shanghai")
        with city[1].connect() as conn:
            stored = load_marketing(conn, dt.date(2026, 11, 1), dt.date(2026, 11, 30), cfg)
        for kind in MARKETING_KINDS:
            a, b = files.frame(kind), stored.frame(kind)
            key = [c for c in a.columns if c != "source_row"]
            a = a.drop(columns="source_row").sort_values(key[:4]).reset_index(drop=True)
            b = b.drop(columns="source_row").sort_values(key[:4]).reset_index(drop=True)
            assert a.equals(b), kind

    def test_import_is_idempotent_and_names_file_row_field(self, engine: Engine) -> None:
        import_sample(engine)
        data = (MK / "marketing.csv").read_bytes()
        raw, problems = marketing_raw_from_csv(data, "marketing", "marketing.csv")
        for _ in range(2):
            report = import_marketing(
                engine, "marketing", raw, problems, source="m.csv", timezone="Asia/Shanghai"
            )
            assert (report.received, report.stored, report.rejected) == (165, 165, ())
        rows = [
            {**_row(), "buyer_id": "NOPE"},
            {**_row(), "slot_end": "2026-11-16T06:00:00+08:00"},
            _row(),
        ]
        raw, problems = marketing_raw_from_records(rows, "marketing", "x.json")
        with pytest.raises(BatchRejectedError) as err:
            import_marketing(
                engine, "marketing", raw, problems, source="x.json", timezone="UTC", atomic=True
            )
        assert [(p.source, p.row, p.field) for p in err.value.problems] == [
            ("x.json", 1, "buyer_id"),
            ("x.json", 2, "slot_end"),
        ]
        report = import_marketing(
            engine, "marketing", raw, problems, source="x.json", timezone="UTC"
        )
        assert (report.received, report.stored, len(report.rejected)) == (3, 1, 2)
        plans = [{"date": "2026-11-17", "helper_id": "GM1", "helper_role": "行政区总经理",
                  "manager_id": "F11", "actions": "a", "completion_plan": "b"}]  # fmt: skip
        raw, problems = marketing_raw_from_records(plans * 1, "help_plans", "h")
        for _ in range(2):  # a blank key column ("no buyer") is a key like any other
            report = import_marketing(
                engine, "help_plans", raw, problems, source="h", timezone="UTC"
            )
            assert report.stored == 1


def _row() -> dict[str, Any]:
    return {
        "manager_id": "F11",
        "buyer_id": "B001",
        "slot_start": "2026-11-16T07:00:00+08:00",
        "slot_end": "2026-11-16T07:20:00+08:00",
        "method": "phone",
        "purpose": "复购",
        "goal_met": "yes",
    }


class TestCli:
    def test_database_and_folders_agree(self, city: tuple[str, Engine], tmp_path: Path) -> None:
        url = city[0]
        for mode, extra in (("files", FOLDERS), ("db", ("--database-url", url))):
            _cli(tmp_path / mode, "day", "--date", DAY, *extra)
            _cli(tmp_path / mode, "five-day", "--manager", "F11", "--start", START, *extra)
        for name in (f"scorecards-{DAY}", f"five-day-F11-{START}"):
            for ext in (".json", ".csv"):
                a = (tmp_path / "files" / name).with_suffix(ext).read_text("utf-8")
                b = (tmp_path / "db" / name).with_suffix(ext).read_text("utf-8")
                assert a == b, name + ext
        fd = json.loads((tmp_path / "db" / f"five-day-F11-{START}.json").read_text("utf-8"))
        assert fd["verdict"] == "fail" and fd["contradicted"] == 2

    def test_days_without_results(self, tmp_path: Path) -> None:
        _cli(tmp_path, "five-day", "--manager", "F11", "--start", START, *FOLDERS[:4])
        fd = json.loads((tmp_path / f"five-day-F11-{START}.json").read_text("utf-8"))
        assert {c["status"] for c in fd["scorecards"]} == {"no_result"}
        fixes = [f for c in fd["scorecards"] for f in c["fix_tomorrow"]]
        assert (
            "Summary says 9 on-site visits, records 8, track n/a stays: make them agree." in fixes
        )


# ------------------------------------------------------------------ the API


@pytest.fixture(scope="module")
def api(city: tuple[str, Engine]) -> Iterator[tuple[TestClient, Keys]]:
    keys = make_keys(city[1])
    with client_for(city[1]) as c:
        yield c, keys


def _get(api: tuple[TestClient, Keys], who: str, path: str, **params: str) -> Any:
    client, keys = api
    return client.get(path, params=params, headers=Keys.h(getattr(keys, who)))


DAY_PATH = f"/v1/assess/days/{DAY}/scorecards"
FIVE_PATH = f"/v1/assess/managers/F11/five-day/{START}"


class TestApi:
    def test_401_without_a_key(self, api: tuple[TestClient, Keys]) -> None:
        client, _ = api
        for method, path in (("GET", DAY_PATH), ("GET", FIVE_PATH + ".html"),
                             ("POST", "/v1/assess/chat_reports")):  # fmt: skip
            assert client.request(method, path).status_code == 401

    def test_day_equals_the_cli_and_supervisors_see_their_teams(
        self, api: tuple[TestClient, Keys], tmp_path: Path
    ) -> None:
        _cli(tmp_path, "day", "--date", DAY, *FOLDERS)
        want = json.loads((tmp_path / f"scorecards-{DAY}.json").read_text("utf-8"))
        got = _get(api, "platform", DAY_PATH).json()
        assert got["scorecards"] == want["scorecards"] and got["total"] > 2
        north = _get(api, "north", DAY_PATH).json()["scorecards"]
        assert {c["team_id"] for c in north} == {"north"}
        assert north == [c for c in want["scorecards"] if c["team_id"] == "north"]
        one = _get(api, "north", DAY_PATH, manager_id="F11").json()["scorecards"]
        assert [c["manager_id"] for c in one] == ["F11"]
        south = _get(api, "admin", DAY_PATH, team_id="south").json()["scorecards"]
        assert {c["team_id"] for c in south} == {"south"}

    @pytest.mark.parametrize(
        ("who", "path", "params", "status"),
        [
            ("south", DAY_PATH, {"manager_id": "F11"}, 403),
            ("south", DAY_PATH, {"team_id": "north"}, 403),
            ("south", DAY_PATH + ".html", {"team_id": "north"}, 403),
            ("south", FIVE_PATH, {}, 403),
            ("south", FIVE_PATH + ".html", {}, 403),
            ("north", "/v1/assess/managers/NOBODY/five-day/2026-11-16", {}, 403),
            ("platform", "/v1/assess/managers/NOBODY/five-day/2026-11-16", {}, 404),
            ("platform", DAY_PATH, {"manager_id": "NOBODY"}, 404),
            ("platform", "/v1/assess/days/20261118/scorecards", {}, 422),
            ("platform", "/v1/assess/days/1999-12-31/scorecards", {}, 422),
            ("platform", FIVE_PATH, {"lang": "fr"}, 200),  # lang only on the page
            ("platform", "/v1/assess/managers/F11/five-day/2100-12-30", {}, 422),  # 2101
            ("platform", FIVE_PATH + ".html", {"lang": "fr"}, 422),
        ],
    )
    def test_refusals(
        self, api: tuple[TestClient, Keys], who: str, path: str, params: dict[str, str],
        status: int,
    ) -> None:  # fmt: skip
        r = _get(api, who, path, **params)
        assert r.status_code == status, r.text
        if status >= 400:
            assert r.json()["detail"]

    def test_five_day_and_pages(self, api: tuple[TestClient, Keys], tmp_path: Path) -> None:
        _cli(tmp_path, "five-day", "--manager", "F11", "--start", START, *FOLDERS)
        want = json.loads((tmp_path / f"five-day-F11-{START}.json").read_text("utf-8"))
        got = _get(api, "north", FIVE_PATH).json()
        assert got == want
        page = _get(api, "north", FIVE_PATH + ".html", lang="zh")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "/v1/managers/F11/days/2026-11-16/report.html?lang=zh" in page.text
        day = _get(api, "platform", DAY_PATH + ".html", team_id="north")
        assert day.status_code == 200 and "F11" in day.text and "F21" not in day.text

    def test_imports_need_platform_or_admin(self, writable: tuple[TestClient, Keys]) -> None:
        client, keys = writable
        body = {"rows": [{"keyword": "库存", "category": "stock"}]}
        r = client.post("/v1/assess/keywords", json=body, headers=Keys.h(keys.north))
        assert r.status_code == 403, r.text
        for _ in range(2):
            r = client.post("/v1/assess/keywords", json=body, headers=Keys.h(keys.platform))
            assert r.status_code == 200 and r.json()["stored"] == 1, r.text
        csv = "keyword,category,needs_leaf\n产品,product,yes\n,price,no\n".encode()
        for atomic, status in (("true", 422), ("false", 200)):
            r = client.post(
                "/v1/assess/marketing.csv",
                params={"kind": "keywords", "atomic": atomic},
                content=csv,
                headers={**Keys.h(keys.admin), "Content-Type": "text/csv"},
            )
            assert r.status_code == status, r.text
        assert r.json()["stored"] == 1
        [bad] = r.json()["rejected"]
        assert (bad["source"], bad["row"], bad["field"]) == ("keywords.csv", 2, "keyword")
