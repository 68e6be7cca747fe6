"""trajcheck assess: import into a database, buyer and order reports from files or the database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from api.cli.main import main
from tests.helpers.samples import SAMPLE

AS_OF = "2026-12-01"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestFromFiles:
    def test_buyers_to_csv_json_and_html(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        status, out, _ = run(
            capsys,
            "assess", "buyers", "--data", str(SAMPLE), "--as-of", AS_OF,
            "--csv", str(tmp_path / "b.csv"), "--json", str(tmp_path / "b.json"),
            "--html", str(tmp_path / "b.html"), "--lang", "zh",
        )  # fmt: skip
        assert status == 0 and "buyers as of 2026-12-01: 100" in out
        records = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
        with (tmp_path / "b.csv").open(encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
        assert len(records) == len(rows) == 100
        assert [r["buyer_id"] for r in rows] == [r["buyer_id"] for r in records]
        assert rows[0]["grade"] == records[0]["grade"]
        page = (tmp_path / "b.html").read_text(encoding="utf-8")
        assert page.count('<tr class="as-row"') == 100 and "应重新分配" in page

    def test_due_view_and_team_filter(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        out_file = tmp_path / "due.json"
        status, _, _ = run(
            capsys, "assess", "buyers", "--data", str(SAMPLE), "--as-of", AS_OF,
            "--view", "due", "--team", "north", "--json", str(out_file),
        )  # fmt: skip
        due = json.loads(out_file.read_text(encoding="utf-8"))
        assert status == 0 and due
        assert {b["rights"] for b in due} == {"due"} and {b["team_id"] for b in due} == {"north"}
        assert all(b["due_date"] <= AS_OF for b in due)

    def test_orders(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        status, out, _ = run(
            capsys, "assess", "orders", "--data", str(SAMPLE), "--as-of", AS_OF,
            "--csv", str(tmp_path / "o.csv"), "--json", str(tmp_path / "o.json"),
            "--html", str(tmp_path / "o.html"),
        )  # fmt: skip
        assert status == 0 and out.splitlines()[0].startswith("team")
        body = json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))
        assert {d["match"] for d in body["declarations"]} == {"sku", "product", "buyer", "none"}
        assert sum(t["declarations"] for t in body["by_team"]) == len(body["declarations"])
        for name in ("o.csv", "o.managers.csv", "o.teams.csv", "o.html"):
            assert (tmp_path / name).stat().st_size > 0

    def test_a_bad_row_is_one_line_and_exit_2(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        for name in ("areas", "clusters", "people", "brands", "buyers"):
            (tmp_path / f"{name}.csv").write_bytes((SAMPLE / f"{name}.csv").read_bytes())
        (tmp_path / "orders.csv").write_text(
            "order_id,buyer_id,placed_at,product,brand,net_weight,boxes,amount,status\n"
            "O1,B002,2026-11-02T08:00:00+08:00,p,b,10kg,five,100,delivered\n",
            encoding="utf-8",
        )
        status, _, err = run(capsys, "assess", "buyers", "--data", str(tmp_path), "--as-of", AS_OF)
        assert status == 2
        assert err.strip() == (
            f"trajcheck: error: {tmp_path / 'orders.csv'}, row 1, field boxes: "
            "not a number (got five)"
        )


class TestWithADatabase:
    def test_import_report_reassign_history(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = f"sqlite:///{tmp_path / 'a.db'}"
        files = sorted(str(p) for p in SAMPLE.glob("*.csv"))
        status, out, err = run(capsys, "assess", "import", *files, "--database-url", url)
        assert status == 0, err
        assert out.splitlines()[0].endswith("areas: 6 rows, 6 stored, 0 rejected")
        status, again, _ = run(capsys, "assess", "import", *files, "--database-url", url)
        assert again == out  # idempotent
        from_db = tmp_path / "db.json"
        run(
            capsys,
            "assess",
            "buyers",
            "--database-url",
            url,
            "--as-of",
            AS_OF,
            "--json",
            str(from_db),
        )
        from_files = tmp_path / "files.json"
        run(
            capsys,
            "assess",
            "buyers",
            "--data",
            str(SAMPLE),
            "--as-of",
            AS_OF,
            "--json",
            str(from_files),
        )
        assert json.loads(from_db.read_text()) == json.loads(from_files.read_text())
        due = next(b for b in json.loads(from_db.read_text()) if b["rights"] == "due")
        other = "F11" if due["manager_id"] != "F11" else "F12"
        status, out, err = run(
            capsys, "assess", "reassign", due["buyer_id"], "--to", other, "--at", AS_OF,
            "--reason", "2 months passed", "--database-url", url,
        )  # fmt: skip
        assert status == 0, err
        assert json.loads(out)["from_manager_id"] == due["manager_id"]
        status, out, _ = run(capsys, "assess", "history", due["buyer_id"], "--database-url", url)
        periods = json.loads(out)
        assert [p["manager_id"] for p in periods] == [due["manager_id"], other]
        assert periods[0]["ended_at"] == "2026-12-01T00:00:00+08:00"
        status, _, err = run(
            capsys, "assess", "reassign", due["buyer_id"], "--to", "GM1", "--database-url", url
        )
        assert status == 2 and "buyers go to field managers" in err

    def test_partial_import_exits_1_and_names_rows(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        url = f"sqlite:///{tmp_path / 'a.db'}"
        bad = tmp_path / "areas.csv"
        bad.write_text("area_id,kind\nM1,market\nM2,sea\n", encoding="utf-8")
        status, out, err = run(capsys, "assess", "import", str(bad), "--database-url", url)
        assert status == 1 and "1 stored, 1 rejected" in out
        assert f"{bad}, row 2, field kind: not one of market, district (got sea)" in err
        status, _, err = run(
            capsys, "assess", "import", str(bad), "--atomic", "--database-url", url
        )
        assert status == 2 and "atomic batch: nothing stored" in err
