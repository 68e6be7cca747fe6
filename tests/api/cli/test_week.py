"""``trajcheck week`` (issue 17 item 2): a manager's week from a folder of result files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli.main import main
from tests.helpers.week import BREAKFAST_DATES, WEEK_DATES, week_results


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The week as ``trajcheck daily`` lays it out (``<date>/days/<manager>.json``), a
    report beside two of the days, and another manager's results beside them."""
    root = tmp_path_factory.mktemp("results")
    for manager in ("M1", "M2"):
        for body in week_results(manager):
            day = root / body["date"] / "days"
            day.mkdir(parents=True, exist_ok=True)
            (day / f"{manager}.json").write_text(json.dumps(body), encoding="utf-8")
    for date in WEEK_DATES[:2]:
        (root / date / "days" / "M1.html").write_text("<html></html>", encoding="utf-8")
    (root / "notes.json").write_text('{"not": "a result"}', encoding="utf-8")
    return root


def _argv(results: Path, out: Path, *extra: str) -> list[str]:
    return [
        "week",
        "--manager",
        "M1",
        "--from",
        WEEK_DATES[0],
        "--to",
        WEEK_DATES[-1],
        "--results",
        str(results),
        "--html",
        str(out / "week.html"),
        *extra,
    ]


class TestWeekCommand:
    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_page_and_json(self, results_dir: Path, tmp_path: Path, lang: str) -> None:
        code = main(
            _argv(results_dir, tmp_path, "--lang", lang, "--json", str(tmp_path / "w.json"))
        )
        assert code == 0
        week = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
        assert week["manager_id"] == "M1"
        assert [d["date"] for d in week["days"]] == list(WEEK_DATES)
        assert [p["dates"] for p in week["places"]] == [list(BREAKFAST_DATES)]
        page = (tmp_path / "week.html").read_text(encoding="utf-8")
        assert page.count('class="tc-week-day"') == 7
        assert page.count('class="tc-day-link"') == 2  # the two days with a report
        assert ("周一" in page) is (lang == "zh")

    def test_links_are_relative_to_the_page(self, results_dir: Path) -> None:
        out = results_dir / "weeks"
        assert main(_argv(results_dir, out)) == 0
        page = (out / "week.html").read_text(encoding="utf-8")
        assert f'href="../{WEEK_DATES[0]}/days/M1.html"' in page

    def test_config_sets_the_place_rule(self, results_dir: Path, tmp_path: Path) -> None:
        config = tmp_path / "c.toml"
        config.write_text("place_min_visits = 6\n", encoding="utf-8")
        out = tmp_path / "w.json"
        assert main(_argv(results_dir, tmp_path, "--config", str(config), "--json", str(out))) == 0
        week = json.loads(out.read_text(encoding="utf-8"))
        assert week["min_visits"] == 6 and week["places"] == []

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (("--manager", "nobody"), "no results of nobody"),
            (("--to", "2026-11-01"), "--to"),
            (("--from", "16.11.2026"), "--from"),
        ],
    )
    def test_bad_input_exits_2(
        self,
        results_dir: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        change: tuple[str, str],
        message: str,
    ) -> None:
        argv = _argv(results_dir, tmp_path)
        argv[argv.index(change[0]) + 1] = change[1]
        assert main(argv) == 2
        assert message in capsys.readouterr().err
