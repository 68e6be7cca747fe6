"""The scorecard pages' sentences from the label table (issue 16).

The English of the table is the data's English, word for word (the JSON and CSV keep
it: the contract); the Chinese is written from the same items and values.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from assessment.config import AssessConfig
from assessment.fiveday import FiveDay, five_day_assessment
from assessment.io import read_dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import read_marketing
from assessment.scorecard import daily_scorecards
from assessment.scorecard_html import render_five_day, render_team_day
from assessment.scorecard_text import done_text, five_reasons, fix_lines, owed_lines
from maps.i18n import labels
from tests.helpers.samples import SAMPLE

EN, ZH = labels("en", "scorecard"), labels("zh", "scorecard")
DAYS = [dt.date(2026, 11, d) for d in range(16, 21)]


@pytest.fixture(scope="module")
def cards() -> pd.DataFrame:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    bodies = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SAMPLE / "marketing" / "results").glob("*/days/*.json"))
    ]
    frames = [
        daily_scorecards(
            data, mk, bodies, day, config=MarketingConfig(), assess_config=AssessConfig()
        ).cards
        for day in DAYS
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def five() -> FiveDay:
    data, _ = read_dataset(SAMPLE)
    mk, _ = read_marketing(SAMPLE / "marketing")
    bodies: list[dict[str, Any]] = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((SAMPLE / "marketing" / "results").glob("*/days/*.json"))
    ]
    return five_day_assessment(
        data, mk, bodies, "F11", DAYS[0], config=MarketingConfig(), assess_config=AssessConfig()
    )


def test_english_fixes_are_the_data_word_for_word(cards: pd.DataFrame) -> None:
    fixes = owed = 0
    for _, r in cards.iterrows():
        assert fix_lines(r, EN) == list(r["fix_tomorrow"])
        assert owed_lines(r, EN) == list(r["others_owe"])
        fixes += len(r["fix_tomorrow"])
        owed += len(r["others_owe"])
    assert fixes > 20 and owed > 5  # the sample fails many items


def test_chinese_fixes_are_written_from_the_items(cards: pd.DataFrame) -> None:
    seen: set[str] = set()
    for _, r in cards.iterrows():
        for english, zh in zip(
            [*r["fix_tomorrow"], *r["others_owe"]],
            [*fix_lines(r, ZH), *owed_lines(r, ZH)],
            strict=True,
        ):
            assert zh != english and "{" not in zh, (english, zh)
        seen |= set(r["failed_items"])
    assert {"targets", "customer_reports", "contradicted"} <= seen
    row = cards.iloc[0]
    assert done_text(row, ZH).startswith("到店 ")
    assert done_text(row, EN).startswith("onsite ")


def test_five_day_reasons(five: FiveDay) -> None:
    assert five_reasons(five, EN) == list(five.reasons)
    zh = five_reasons(five, ZH)
    assert len(zh) == len(five.reasons) and all("{" not in x for x in zh)
    assert any(x.startswith("列出但不计入：") for x in zh), zh
    # an assessment without codes (built elsewhere) shows its English reasons
    bare = FiveDay(**{**five.__dict__, "reason_codes": ()})
    assert five_reasons(bare, ZH) == list(five.reasons)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_render(cards: pd.DataFrame, five: FiveDay, lang: str) -> None:
    day = cards[cards["date"].astype(str).str.startswith("2026-11-18")]
    page = render_team_day(day, DAYS[2], lang=lang)
    five_page = render_five_day(five, lang=lang)
    if lang == "zh":
        assert "onsite " not in page and ">no_result<" not in page
        assert "明日改进" in page and "营销前下单" in five_page
    else:
        assert "onsite " in page and five.reasons[0] in five_page
